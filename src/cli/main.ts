// `voice-agent`: the command line. Run through bin/voice-agent.mjs (tsx, no build step).
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerAgentsCommand } from './commands/agents.js';
import { registerCallsCommand } from './commands/calls.js';
import { registerCampaignsCommand } from './commands/campaigns.js';
import { registerDoNotCallCommand } from './commands/do-not-call.js';
import { registerDbCommand } from './commands/db.js';
import { registerExtractCommand } from './commands/extract.js';
import { registerNumbersCommand } from './commands/numbers.js';
import { registerS3Command } from './commands/s3.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerTestCommand } from './commands/test.js';
import { reportError } from './output.js';

/** Every runnable command with its arguments, e.g. ["agents get <agent_id>", "show one agent"]. */
function leafCommands(command: Command, prefix = ''): [string, string][] {
  return command.commands.flatMap((sub): [string, string][] => {
    const name = `${prefix}${sub.name()}`;
    if (sub.commands.length > 0) return leafCommands(sub, `${name} `);
    const args = [
      ...sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)),
      ...sub.options.filter((o) => o.mandatory).map((o) => o.flags),
    ];
    return [[[name, ...args].join(' '), sub.description()]];
  });
}

function overview(program: Command): string {
  const rows = leafCommands(program);
  const width = Math.max(...rows.map(([usage]) => usage.length)) + 2;
  return rows.map(([usage, description]) => `  ${usage.padEnd(width)}${description}`).join('\n');
}

export function buildProgram(): Command {
  const program = new Command('voice-agent')
    .description('AI voice agents on real phone calls through Twilio')
    .version(packageJson.version)
    .showHelpAfterError('(run with --help for usage)');
  // Commands: one line each.
  registerServeCommand(program);
  registerAgentsCommand(program);
  registerNumbersCommand(program);
  registerCallsCommand(program);
  registerCampaignsCommand(program);
  registerDoNotCallCommand(program);
  registerDbCommand(program);
  registerExtractCommand(program);
  registerS3Command(program);
  registerSimulateCommand(program);
  registerTestCommand(program);
  program.addHelpText('after', () => `\nAll commands:\n${overview(program)}\n`);
  // Usage errors exit with 2 like other bad input, after commander prints its message.
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; usage errors are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error);
  }
}

const exitCode = await main();
process.exitCode = exitCode;
// Open handles (keep-alive sockets) must not keep a finished command alive.
setTimeout(() => process.exit(exitCode), 1_000).unref();
