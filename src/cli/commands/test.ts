// `voice-agent test [PATHS…]`: runs agent test suites through the simulator against a private
// in-memory server holding copies of the suites' agents (or a running server with --url), prints a
// table and a summary, optionally JUnit XML. Exit 1 when a scenario fails, 2 on bad files/arguments.
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import type { Agent } from '../../domain/agent.js';
import type { ScenarioResult, TestReport } from '../../agent-tests/report.js';
import type { TestTarget } from '../../agent-tests/observed-call.js';
import type { LanguageModel } from '../../ports/language-model.js';
import { TRANSPORT_NAMES, type TransportName } from '../../agent-tests/schema.js';
import { badInput, CliError, formatTable } from '../output.js';

export interface TestCommandOptions {
  junit?: string;
  transport?: string;
  json?: boolean;
  concurrency: string;
  timeout: string;
  url?: string;
  publicUrl?: string;
}

export interface TestCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  errIsTTY: boolean;
  /** Settings; read from the environment when absent. */
  config?: Config;
}

const processIo = (): TestCommandIo => ({
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
});

function positiveInt(value: string, option: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(`${option}: a whole number from 1 to ${max}`);
  return n;
}

function scenarioLabel(result: ScenarioResult): string {
  return `${basename(result.file, extname(result.file))} › ${result.scenario}`;
}

export function formatReportTable(report: TestReport): string {
  const rows = report.suites.flatMap((suite) => suite.scenarios);
  return formatTable(rows, [
    { header: 'SCENARIO', value: scenarioLabel },
    { header: 'RESULT', value: (r) => ({ pass: 'PASS', fail: 'FAIL', skip: 'SKIP' })[r.status] },
    { header: 'DURATION', value: (r) => `${(r.duration_ms / 1_000).toFixed(1)} s` },
    { header: 'REASON', value: (r) => r.reasons.join('; ') },
  ]);
}

/**
 * Where the scenarios run. By default a private in-memory server with copies of the suites' agents
 * as the configured store has them now (the seeded examples for any it lacks): test calls never
 * reach the real call list or an agent's end-of-call webhook, and no earlier run changes a later
 * one through past-call context. With --url, the given running server.
 */
async function resolveTarget(
  config: Config,
  options: TestCommandOptions,
  agentIds: readonly string[],
): Promise<TestTarget> {
  if (options.url) {
    const { resolveTarget: resolveSimulationTarget } = await import('../simulate/target.js');
    return resolveSimulationTarget(config, { url: options.url, publicUrl: options.publicUrl });
  }
  const agents = config.DATA_DIR === ':memory:' ? [] : await storedAgents(config, agentIds);
  const { startSandbox } = await import('../../agent-tests/sandbox.js');
  return startSandbox(config, { agents });
}

async function storedAgents(config: Config, agentIds: readonly string[]): Promise<Agent[]> {
  const { withContainer } = await import('../context.js');
  return withContainer(async ({ agentStore }) => {
    const found = await Promise.all([...new Set(agentIds)].map((id) => agentStore.get(id)));
    return found.filter((agent): agent is Agent => agent !== undefined);
  }, config);
}

interface ModelChoice {
  model?: LanguageModel;
  noModelReason?: string;
  close(): Promise<void>;
}

async function languageModel(config: Config): Promise<ModelChoice> {
  if (config.LLM_PROVIDER === 'none') return { noModelReason: 'LLM_PROVIDER is none', close: async () => {} };
  const { createLanguageModelFactory } = await import('../../adapters/llm/provider-factory.js');
  const factory = await createLanguageModelFactory(config);
  const model = factory.forAgent(undefined);
  return {
    ...(model ? { model } : { noModelReason: 'no language model could be built from the settings' }),
    close: () => factory.close(),
  };
}

/** Runs the command; returns the exit code (errors are printed on `io.err`). */
export async function runTestCommand(
  paths: string[],
  options: TestCommandOptions,
  io: TestCommandIo = processIo(),
): Promise<number> {
  try {
    return await run(paths, options, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`error: ${error.message}\n`);
    return error.exitCode;
  }
}

async function run(paths: string[], options: TestCommandOptions, io: TestCommandIo): Promise<number> {
  if (options.transport !== undefined && !TRANSPORT_NAMES.includes(options.transport as TransportName))
    throw badInput('--transport: gather or relay');
  const transport = options.transport as TransportName | undefined;
  const concurrency = positiveInt(options.concurrency, '--concurrency', 32);
  const timeoutSeconds = positiveInt(options.timeout, '--timeout', 3_600);
  const config = io.config ?? (await import('../../config.js')).loadConfigOrExit();

  const [
    { loadSuites, SuiteFileError },
    { runSuites },
    { createProgress },
    { summaryLine, verdictLines },
    { toJUnitXml },
  ] = await Promise.all([
    import('../../agent-tests/loader.js'),
    import('../../agent-tests/runner.js'),
    import('../../agent-tests/progress.js'),
    import('../../agent-tests/report.js'),
    import('../../agent-tests/junit.js'),
  ]);
  const suites = await loadSuites(paths.length > 0 ? paths : [config.AGENT_TESTS_DIR]).catch(
    (error: unknown) => {
      if (error instanceof SuiteFileError) throw badInput(`invalid test files:\n${error.message}`);
      throw error;
    },
  );

  const model = await languageModel(config);
  let target: TestTarget | undefined;
  try {
    target = await resolveTarget(
      config,
      options,
      suites.map((suite) => suite.agent),
    );
    const progress = createProgress({ write: io.err, isTTY: io.errIsTTY });
    const report = await runSuites(suites, {
      target,
      concurrency,
      ...(transport ? { transport } : {}),
      ...(model.model ? { model: model.model } : { noModelReason: model.noModelReason }),
      scenarioTimeoutMs: timeoutSeconds * 1_000,
      ...(config.TWILIO_PHONE_NUMBER ? { ourNumber: config.TWILIO_PHONE_NUMBER } : {}),
      onStart: progress.onStart,
      onResult: progress.onResult,
    });
    progress.done();
    if (options.junit) {
      await writeFile(options.junit, toJUnitXml(report)).catch((error: unknown) => {
        throw badInput(`--junit: cannot write ${options.junit}: ${(error as Error).message}`);
      });
    }
    if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      // Persona scenarios: who played the caller and the verdict on each criterion.
      const verdicts = verdictLines(report, scenarioLabel);
      const block = verdicts.length > 0 ? `${verdicts.join('\n')}\n\n` : '';
      io.out(`${formatReportTable(report)}\n\n${block}${summaryLine(report)}\n`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await target?.close();
    await model.close();
  }
}

export function registerTestCommand(program: Command): Command {
  return program
    .command('test')
    .description('run agent test suites (scripted callers and expectations) through the simulator')
    .argument('[paths...]', 'test files or folders (default: AGENT_TESTS_DIR, tests/agents)')
    .option('--junit <file>', 'also write JUnit XML for CI')
    .option('--transport <kind>', 'run every scenario over gather or relay')
    .option('--json', 'print the report as JSON instead of a table')
    .option('--concurrency <n>', 'scenarios run at once', '4')
    .option('--timeout <seconds>', 'longest one scenario may take', '120')
    .option(
      '--url <url>',
      'run against this running server; its call list then shows the test calls (default: a private ' +
        "in-memory server with copies of the suites' agents from the configured store)",
    )
    .option('--public-url <url>', "the server's PUBLIC_URL, which signatures cover (default: PUBLIC_URL)")
    .action(async (paths: string[], options: TestCommandOptions) => {
      const code = await runTestCommand(paths, options);
      if (code !== 0) process.exitCode = code;
    });
}
