// `voice-agent calls list|get|place`: the calls in the store, one call with its transcript, and an
// outbound call through Twilio (the same service, guards and idempotency as POST /calls).
import type { Command } from 'commander';
import { CALL_STATUSES, type Call, type CallStatus, type Turn } from '../../domain/call.js';
import { notFound } from '../../domain/errors.js';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { startedBound } from '../../services/started-bound.js';
import { badInput, printJson, printLine, printRecord, printTable, type Column } from '../output.js';
import { defaultCommandDeps, requireTwilioSettings, type CommandDeps } from './command-deps.js';

const callColumns: Column<Call>[] = [
  { header: 'CALL_SID', value: (c) => c.call_sid },
  { header: 'AGENT_ID', value: (c) => c.agent_id },
  { header: 'DIRECTION', value: (c) => c.direction },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'RECIPIENT', value: (c) => c.recipient_phone },
  { header: 'STARTED', value: (c) => c.started_at },
  { header: 'TURNS', value: (c) => c.turn_count },
  { header: 'ENDED_BY', value: (c) => c.ended_by },
];

const MAX_LIMIT = 100;

function parseLimit(raw: string): number {
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badInput(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** One line per turn: "  3  caller: … / tool: … / agent: …". */
function transcriptLines(turns: Turn[]): string[] {
  return turns.flatMap((turn) => {
    const seq = String(turn.seq).padStart(3);
    const caller = turn.caller_text ?? (turn.kind === 'silence' ? '(silence)' : undefined);
    // The agent's own tools, between what the caller said and the answer they made possible.
    const tools = (turn.tool_calls ?? []).map(
      (call) =>
        `     tool:   ${call.name} ${JSON.stringify(call.arguments)} → ${call.status}` +
        `${call.error ? ` (${call.error})` : ''}, ${call.latency_ms} ms`,
    );
    return [
      ...(caller !== undefined ? [`${seq}  caller: ${caller}`] : []),
      ...tools,
      `${caller !== undefined || tools.length ? '   ' : seq}  agent:  ${turn.agent_text}`,
    ];
  });
}

interface ListOptions {
  agent?: string;
  status?: string;
  recipient?: string;
  from?: string;
  to?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

interface PlaceOptions {
  agent: string;
  to: string;
  from?: string;
  idempotencyKey?: string;
  json?: boolean;
}

function parseBound(flag: string, value: string | undefined, edge: 'start' | 'end'): string | undefined {
  if (value === undefined) return undefined;
  const parsed = startedBound(edge).safeParse(value);
  if (!parsed.success) throw badInput(`${flag} must be ${parsed.error.issues[0]?.message ?? 'a date'}`);
  return parsed.data;
}

export function registerCallsCommand(program: Command, deps: CommandDeps = defaultCommandDeps): Command {
  const calls = program.command('calls').description('list calls, show one, place an outbound call');

  calls
    .command('list')
    .description('list calls, newest first')
    .option('--agent <agent_id>', 'only calls of this agent')
    .option('--status <status>', `one of ${CALL_STATUSES.join(', ')}`)
    .option('--recipient <number>', 'only calls with this person (E.164)')
    .option('--from <when>', 'only calls started on or after this day (UTC) or date-time, e.g. 2026-11-01')
    .option('--to <when>', 'only calls started on or before this day (UTC) or date-time')
    .option('--limit <n>', `at most this many (1-${MAX_LIMIT})`, '20')
    .option('--cursor <cursor>', 'the next page, from an earlier --json listing')
    .option('--json', 'print JSON {items, cursor} (for scripts)')
    .action(async (options: ListOptions) => {
      if (options.status && !CALL_STATUSES.includes(options.status as CallStatus)) {
        throw badInput(`--status must be one of ${CALL_STATUSES.join(', ')}`);
      }
      const limit = parseLimit(options.limit);
      const recipient = options.recipient ? normalizeE164(options.recipient, 'recipient') : undefined;
      const startedFrom = parseBound('--from', options.from, 'start');
      const startedTo = parseBound('--to', options.to, 'end');
      if (startedFrom && startedTo && startedFrom > startedTo)
        throw badInput('--to must not be before --from');
      const page = await deps.withContainer(({ callStore }) =>
        callStore.list({
          agent_id: options.agent,
          status: options.status as CallStatus | undefined,
          recipient_phone: recipient,
          started_from: startedFrom,
          started_to: startedTo,
          limit,
          cursor: options.cursor,
        }),
      );
      if (options.json) return printJson(page);
      printTable(page.items, callColumns, 'no calls');
      if (page.cursor) printLine(`(more: --cursor ${page.cursor})`);
    });

  calls
    .command('get')
    .description('show one call with its transcript')
    .argument('<call_sid>')
    .option('--json', 'print JSON (for scripts)')
    .action(async (callSid: string, options: { json?: boolean }) => {
      const { call, turns } = await deps.withContainer(async ({ callStore }) => {
        const found = await callStore.get(callSid);
        if (!found) throw notFound(`call ${callSid}`);
        return { call: found, turns: await callStore.listTurns(callSid) };
      });
      if (options.json) return printJson({ ...call, transcript: turns });
      const { past_calls: pastCalls, ...shown } = call;
      printRecord({ ...shown, ...(pastCalls?.length ? { past_calls: pastCalls.length } : {}) });
      printLine(turns.length > 0 ? 'transcript:' : 'transcript: (none)');
      for (const line of transcriptLines(turns)) printLine(line);
    });

  calls
    .command('place')
    .description('place an outbound call with an agent through Twilio')
    .requiredOption('--agent <agent_id>', 'the agent that talks')
    .requiredOption('--to <number>', 'the person to call, in E.164')
    .option('--from <number>', 'our number: TWILIO_PHONE_NUMBER (the default) or one assigned to an agent')
    .option('--idempotency-key <key>', 'running the command again with the same key places one call')
    .option('--json', 'print JSON (for scripts)')
    .action(async (options: PlaceOptions) => {
      const config = await deps.config();
      requireTwilioSettings(
        config,
        [
          'TWILIO_ACCOUNT_SID',
          'TWILIO_AUTH_TOKEN',
          'PUBLIC_URL',
          ...(options.from ? [] : ['TWILIO_PHONE_NUMBER' as const]),
        ],
        'calls place',
      );
      const result = await deps.withContainer(async (container) => {
        // Guards that need no Twilio request run first (destination, agent), inside the service.
        return container.calls.startOutbound(
          { agent_id: options.agent, to: options.to, ...(options.from ? { from: options.from } : {}) },
          options.idempotencyKey,
        );
      });
      if (options.json) return printJson(result);
      printLine(`placed call ${result.call_sid} (${result.status}) with agent ${result.agent_id}`);
      printLine(`Twilio will request ${config.publicUrl}/twilio/voice when the call is answered`);
    });

  return calls;
}
