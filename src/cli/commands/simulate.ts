import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { relayScript } from '../../agent-tests/relay-script.js';
import type { CallerLine } from '../../agent-tests/schema.js';
import { badInput, printJson, printLine } from '../output.js';
import type { SimulationTarget } from '../simulate/target.js';
import { STIR_VERSTAT_VALUES, WITHHELD_CALLER } from '../../simulator/caller-id.js';

interface SimulateOptions {
  agent?: string;
  inbound?: boolean;
  to?: string;
  stirVerstat?: string;
  say: string[];
  script?: string;
  from: string;
  json?: boolean;
  url?: string;
  publicUrl?: string;
  transport: 'gather' | 'relay' | 'realtime';
  interruptAfter?: string;
  press: string[];
  dropAfter?: string;
  confidence: string;
}

const scriptSchema = z.union([
  z.array(z.string().max(2_000)),
  z.object({ lines: z.array(z.string().max(2_000)) }).transform((s) => s.lines),
]);

/** A script file: one caller line per line (text), or a YAML/JSON list of lines. */
async function readScript(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw badInput(`--script: cannot read ${path}`);
  });
  if (/\.(ya?ml|json)$/i.test(path)) {
    const parsed = scriptSchema.safeParse(parseYaml(text));
    if (!parsed.success) throw badInput(`--script: ${path} must hold a list of caller lines`);
    return parsed.data;
  }
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

export function registerSimulateCommand(program: Command): Command {
  // --say and --press in the order given: a key is pressed between the lines it stands between.
  const steps: CallerLine[] = [];
  const step =
    (make: (value: string) => CallerLine) =>
    (value: string, previous: string[]): string[] => {
      steps.push(make(value));
      return [...previous, value];
    };
  return program
    .command('simulate')
    .description('talk to an agent through the built-in Twilio simulator (no Twilio account needed)')
    .option('--agent <agent_id>', 'the agent that calls the person (an outbound call, as POST /calls places)')
    .option(
      '--inbound',
      'the person calls our number instead (--to): the phone-number table picks the agent, as with Twilio',
    )
    .option('--to <e164>', 'inbound: our number that is called (default TWILIO_PHONE_NUMBER)')
    .option(
      '--stir-verstat <value>',
      `inbound: the caller's SHAKEN/STIR verdict Twilio sends (${STIR_VERSTAT_VALUES.join(', ')}, or none); ` +
        'default TN-Validation-Passed-A, none for a withheld caller',
    )
    .option(
      '--say <text>',
      'a caller line (repeatable); without --say/--script the call is interactive',
      step((say) => ({ say })),
      [],
    )
    .option(
      '--press <digits>',
      'keys the caller presses at this point among the --say lines (repeatable): --press 1 for a menu ' +
        'choice, --press 4155550100# to type a number the agent asked to have keyed in (# ends it)',
      step((press) => ({ press })),
      [],
    )
    .option(
      '--drop-after <n>',
      "relay: the socket drops after the agent's reply to line n (Twilio reconnects; no greeting)",
    )
    .option('--script <file>', 'caller lines: a text file (one per line) or a YAML/JSON list')
    .option(
      '--from <e164>',
      "the person's phone number; with --inbound, `anonymous` is a caller who withholds it",
      '+14155550123',
    )
    .option(
      '--transport <kind>',
      'gather (webhooks), relay (ConversationRelay WebSocket) or realtime (Media Streams to a speech-to-speech model; offline, a fake one)',
      'gather',
    )
    .option('--interrupt-after <tokens>', 'relay: interrupt each agent reply after this many text tokens')
    .option('--confidence <0..1>', 'speech recognition confidence sent with each line', '0.95')
    .option(
      '--url <url>',
      'a running server (default: the one on DATA_DIR, else one started here); webhooks are signed ' +
        'for this URL unless --public-url is given',
    )
    .option(
      '--public-url <url>',
      "the server's PUBLIC_URL, which it checks Twilio signatures against (default: the one the " +
        'server on DATA_DIR recorded; with --url, that URL)',
    )
    .option('--json', 'print {call_sid, ended_by, data_collected, transcript} as JSON')
    .action(async (options: SimulateOptions) => {
      if (!['gather', 'relay', 'realtime'].includes(options.transport))
        throw badInput('--transport: gather, relay or realtime');
      const confidence = Number(options.confidence);
      if (!(confidence >= 0 && confidence <= 1)) throw badInput('--confidence: a number from 0 to 1');
      const interruptAfter =
        options.interruptAfter === undefined ? undefined : Number(options.interruptAfter);
      if (interruptAfter !== undefined && !(Number.isInteger(interruptAfter) && interruptAfter > 0)) {
        throw badInput('--interrupt-after: a whole number of tokens');
      }
      const withheld = options.from === 'anonymous';
      if (withheld && !options.inbound) throw badInput('--from anonymous: only with --inbound');
      if (!withheld && !E164.test(options.from))
        throw badInput('--from: an E.164 number such as +14155550123 (or anonymous with --inbound)');
      if (options.inbound) {
        if (options.agent) throw badInput('--agent: not with --inbound (the number called picks the agent)');
        if (options.to !== undefined && !E164.test(options.to))
          throw badInput('--to: our number in E.164, such as +14155550100');
      } else {
        if (!options.agent) throw badInput('--agent: the agent to call (or --inbound --to <our number>)');
        if (options.to !== undefined)
          throw badInput('--to: only with --inbound (outbound calls go to --from)');
        if (options.stirVerstat !== undefined) throw badInput('--stir-verstat: only with --inbound');
      }
      const stirVerstat = stirVerstatOption(options.stirVerstat);
      const relayOnly =
        options.transport === 'relay' ? undefined : 'the relay transport only (--transport relay)';
      if (options.press.some((digits) => !/^[0-9*#]{1,32}$/.test(digits)))
        throw badInput('--press: keypad keys 0-9, * and #');
      const { prompts, dtmf } = relayScript(steps);
      const lines = [
        ...prompts.map((prompt) => prompt ?? ''),
        ...(options.script ? await readScript(options.script) : []),
      ];
      const dropAfter = options.dropAfter === undefined ? undefined : Number(options.dropAfter);
      if (dropAfter !== undefined) {
        if (relayOnly) throw badInput(`--drop-after: ${relayOnly}`);
        if (!(Number.isInteger(dropAfter) && dropAfter >= 1 && dropAfter <= lines.length))
          throw badInput(`--drop-after: a line number from 1 to ${lines.length}`);
      }

      const [{ loadConfigOrExit }, { resolveTarget }, { runSimulation }] = await Promise.all([
        import('../../config.js'),
        import('../simulate/target.js'),
        import('../simulate/run.js'),
      ]);
      const config = loadConfigOrExit();
      if (options.transport === 'realtime' && lines.length === 0)
        throw badInput("--transport realtime: give the caller's lines with --say or --script");
      const offline =
        options.transport === 'realtime' && !config.OPENAI_REALTIME_URL
          ? await (await import('../simulate/offline-realtime.js')).startOfflineRealtime(lines)
          : undefined;
      const target: SimulationTarget = await resolveTarget(config, {
        url: options.url,
        publicUrl: options.publicUrl,
        ...(offline ? { overrides: offline.settings } : {}),
      });
      if (offline && options.agent) await offline.useAgent(target, options.agent);
      try {
        const interactive = lines.length === 0 && options.press.length === 0;
        const ask = interactive ? await interactivePrompt() : undefined;
        const result = await runSimulation(target, {
          ...(options.inbound ? { inbound: true } : { agentId: options.agent }),
          caller: withheld ? WITHHELD_CALLER : options.from,
          ourNumber: options.to ?? config.TWILIO_PHONE_NUMBER ?? '+14155550100',
          ...(stirVerstat !== undefined ? { stirVerstat } : {}),
          record: config.RECORD_CALLS,
          warn: (message) => process.stderr.write(`${message}\n`),
          transport: options.transport,
          lines,
          confidence,
          interruptAfter,
          ...(Object.keys(dtmf).length > 0 ? { dtmf } : {}),
          ...(dropAfter !== undefined ? { dropAfterLine: dropAfter - 1 } : {}),
          ask: ask?.ask,
          onLine: options.json ? undefined : (speaker, text) => printLine(`${speaker}: ${text}`),
        });
        ask?.close();
        if (options.json) printJson(result);
        else {
          printLine(`call ${result.call_sid} ended by ${result.ended_by ?? '(not ended)'}`);
          printLine(`data collected: ${JSON.stringify(result.data_collected)}`);
        }
      } finally {
        await target.close();
        await offline?.close();
      }
    });
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** --stir-verstat: one of Twilio's values, `none` (sent as no StirVerstat), or unset (the default). */
function stirVerstatOption(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!(STIR_VERSTAT_VALUES as readonly string[]).includes(value))
    throw badInput(`--stir-verstat: one of ${STIR_VERSTAT_VALUES.join(', ')}, or none`);
  return value;
}

async function interactivePrompt() {
  const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true });
  // Reading through the iterator buffers lines that arrive before they are asked for (piped input).
  const lines = rl[Symbol.asyncIterator]();
  printLine('Talk to the agent. An empty line is silence; /hangup or Ctrl-D ends the call.');
  return {
    ask: async (): Promise<string | undefined> => {
      process.stdout.write('you: ');
      const next = await lines.next();
      if (next.done) {
        process.stdout.write('\n');
        return undefined;
      }
      if (!process.stdin.isTTY) process.stdout.write(`${next.value}\n`);
      return next.value.trim() === '/hangup' ? undefined : next.value;
    },
    close: () => rl.close(),
  };
}
