// The ConversationRelay benchmark: simulated relay calls at several concurrency levels against the
// real server (child process, in-memory embedded stores, signature checks on, the openai-compatible
// provider pointing at a fake streaming model), and the same client load against a bare `ws` echo
// server (the limit). The simulated callers and the fake model share this process and its clock.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchChild, type BenchChild } from './child.js';
import { BENCH_REPLY_TOKENS, startFakeModel, type FakeModel, type FakeModelOptions } from './fake-model.js';
import type { ServerStats } from './gather-server.js';
import { analyzeRelay, type Summary } from './relay-analysis.js';
import { answerRelayCalls, runRelayLoad, type RelayLoadOptions, type RelayTargetKind } from './relay-load.js';
import type { RelayServerSetup, RelayServerStats } from './relay-server.js';
import { loadAverage, loadSentence, machineInfo, round } from './stats.js';
import { monotonicMicroseconds } from './cpu-profile-summary.js';

export interface RelayBenchOptions {
  levels: number[];
  warmUpSeconds: number;
  measureSeconds: number;
  thinkMs: [number, number];
  model: FakeModelOptions;
  log: (line: string) => void;
}

export const DEFAULT_MODEL: FakeModelOptions = {
  firstTokenDelayMs: 300,
  interTokenMs: 20,
  tokens: BENCH_REPLY_TOKENS,
};
export const DEFAULT_THINK_MS: [number, number] = [2_000, 3_000];
const REPLY_TIMEOUT_MS = 10_000;

export interface RelayLevelResult {
  server: 'voice-agent' | 'ws echo';
  calls: number;
  connected: number;
  turnsPerSecond: number;
  serverAddedMs: Summary;
  requestLagMs?: Summary;
  firstTokenLagMs?: Summary;
  promptToFirstTextMs?: Summary;
  laterTextLagMs?: Summary;
  lastLagMs?: Summary;
  errors: number;
  errorSamples: string[];
  acknowledged: number;
  stored?: number;
  /** Acknowledged turns missing from the store (summed over calls): must be 0. */
  lostTurns?: number;
  /** Stored turns whose reply the caller gave up waiting for (a timeout): not lost, but late. */
  storedUnacknowledged?: number;
  /** Turns measured in the window. */
  measuredTurns: number;
  /** Server CPU time (user + system) in the window ÷ turns measured. */
  cpuPerTurnMs?: number;
  /** Garbage-collection pauses in the window ÷ turns measured (ms): scavenges, mark-compacts. */
  gcPerTurnMs?: { minor: number; major: number };
  /** The part of cpuPerTurnMs the main thread used (the rest: V8's compiler and GC helpers, libuv). */
  mainThreadCpuPerTurnMs?: number;
  eventLoopMs: ServerStats['eventLoopMs'];
  rssMiB: number;
  rssPerCallKiB: number;
  /** (RSS with every call connected and set up, before any prompt − RSS before the calls) ÷ calls. */
  idleRssPerCallKiB?: number;
  /** Event-loop delay of this process (callers and fake model): high values inflate the figures. */
  harnessLoopMs: { p99: number; max: number };
  load: { before: number; after: number };
  /** The measured window on the monotonic clock (µs), to cut a server's CPU profile to it. */
  windowUs?: [number, number];
}

export function newRelaySetup(modelUrl: string): RelayServerSetup {
  return {
    publicUrl: 'https://bench.example.test',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    agentNumber: '+14155550188',
    modelUrl,
  };
}

export interface RelayRunOptions {
  kind: RelayTargetKind;
  calls: number;
  warmUpMs: number;
  measureMs: number;
  thinkMs: [number, number];
  /** Call indexes start here; a reused server and model need fresh ones per run. */
  firstIndex?: number;
  /** A full garbage collection in the server as the window opens, before its CPU is read (needs --expose-gc). */
  collectGarbageAtStart?: boolean;
}

/** One load run against a started server; the shared piece of the benchmark and the capacity search. */
export async function runRelayLevel(
  child: BenchChild,
  setup: RelayServerSetup,
  model: FakeModel,
  run: RelayRunOptions,
): Promise<RelayLevelResult> {
  const server = run.kind === 'app' ? 'voice-agent' : 'ws echo';
  model.replies.clear();
  model.untagged = 0;
  const { stats: idle } = await child.request<{ stats: RelayServerStats }>({ type: 'stats' });
  const answered = await answerRelayCalls(child.url, setup, run.calls, run.kind, run.firstIndex ?? 0);
  const harness = monitorEventLoopDelay({ resolution: 5 });
  const loadBefore = loadAverage()[0]!;
  let atConnected: Promise<{ stats: RelayServerStats }> | undefined;
  let atStart: Promise<{ stats: RelayServerStats }> | undefined;
  let atEnd: Promise<{ stats: RelayServerStats }> | undefined;
  const windowUs: [number, number] = [0, 0];
  const options: RelayLoadOptions = {
    kind: run.kind,
    warmUpMs: run.warmUpMs,
    measureMs: run.measureMs,
    thinkMs: run.thinkMs,
    replyTimeoutMs: REPLY_TIMEOUT_MS,
    onWindow: (phase) => {
      if (phase === 'connected') {
        atConnected = child.request<{ stats: RelayServerStats }>({ type: 'stats' });
      } else if (phase === 'start') {
        harness.enable();
        windowUs[0] = monotonicMicroseconds();
        atStart = child.request<{ stats: RelayServerStats }>({
          type: 'stats',
          ...(run.collectGarbageAtStart ? { gc: true } : {}),
        });
        void child.request({ type: 'reset-stats' });
      } else {
        harness.disable();
        windowUs[1] = monotonicMicroseconds();
        // Read while the calls are still connected: memory per active call.
        atEnd = child.request<{ stats: RelayServerStats }>({ type: 'stats' });
      }
    },
  };
  const load = await runRelayLoad(answered.calls, setup, options);
  harness.disable();
  const { stats: after } = await (atEnd ?? child.request<{ stats: RelayServerStats }>({ type: 'stats' }));
  const before = atStart ? (await atStart).stats : undefined;
  const connected = atConnected ? (await atConnected).stats : undefined;
  const analysis = analyzeRelay(
    { ...load, errors: [...answered.failures, ...load.errors] },
    run.kind,
    run.kind === 'app' ? model : undefined,
  );
  const acknowledged = [...analysis.acknowledgedByCall.values()].reduce((a, b) => a + b, 0);
  const result: RelayLevelResult = {
    server,
    calls: run.calls,
    connected: answered.calls.length,
    turnsPerSecond: analysis.turnsPerSecond,
    measuredTurns: analysis.measuredTurns,
    serverAddedMs: analysis.serverAddedMs,
    ...(analysis.requestLagMs ? { requestLagMs: analysis.requestLagMs } : {}),
    ...(analysis.firstTokenLagMs ? { firstTokenLagMs: analysis.firstTokenLagMs } : {}),
    ...(analysis.promptToFirstTextMs ? { promptToFirstTextMs: analysis.promptToFirstTextMs } : {}),
    ...(analysis.laterTextLagMs ? { laterTextLagMs: analysis.laterTextLagMs } : {}),
    ...(analysis.lastLagMs ? { lastLagMs: analysis.lastLagMs } : {}),
    errors: analysis.errors,
    errorSamples: analysis.errorSamples,
    acknowledged,
    ...(before && analysis.measuredTurns > 0
      ? {
          cpuPerTurnMs: round((after.cpuMs - before.cpuMs) / analysis.measuredTurns, 2),
          gcPerTurnMs: {
            minor: round((after.gcMs.minor - before.gcMs.minor) / analysis.measuredTurns, 3),
            major: round((after.gcMs.major - before.gcMs.major) / analysis.measuredTurns, 3),
          },
          ...(after.mainThreadCpuMs !== undefined && before.mainThreadCpuMs !== undefined
            ? {
                mainThreadCpuPerTurnMs: round(
                  (after.mainThreadCpuMs - before.mainThreadCpuMs) / analysis.measuredTurns,
                  2,
                ),
              }
            : {}),
        }
      : {}),
    eventLoopMs: after.eventLoopMs,
    rssMiB: round(after.rssBytes / 1024 ** 2, 1),
    rssPerCallKiB: round((after.rssBytes - idle.rssBytes) / run.calls / 1024, 0),
    ...(connected
      ? { idleRssPerCallKiB: round((connected.rssBytes - idle.rssBytes) / run.calls / 1024, 0) }
      : {}),
    harnessLoopMs: {
      p99: round(harness.percentile(99) / 1e6, 1),
      max: round(harness.max / 1e6, 1),
    },
    load: { before: loadBefore, after: loadAverage()[0]! },
    ...(windowUs[1] > 0 ? { windowUs } : {}),
  };
  if (run.kind === 'app') {
    const { counts } = await child.request<{ counts: number[] }>({
      type: 'count-turns',
      callSids: answered.calls.map((call) => call.callSid),
    });
    // Stored turns include the greeting (turn 0); every acknowledged prompt must be stored.
    const stored = counts.map((count) => Math.max(0, count - 1));
    result.stored = stored.reduce((a, b) => a + b, 0);
    result.lostTurns = 0;
    result.storedUnacknowledged = 0;
    answered.calls.forEach((call, i) => {
      const difference = stored[i]! - (analysis.acknowledgedByCall.get(call.index) ?? 0);
      if (difference < 0) result.lostTurns! -= difference;
      else result.storedUnacknowledged! += difference;
    });
  }
  return result;
}

export async function runRelayBench(options: RelayBenchOptions): Promise<RelayLevelResult[]> {
  const model = await startFakeModel(options.model);
  const setup = newRelaySetup(model.url);
  const results: RelayLevelResult[] = [];
  const echo = await startBenchChild('relay-server.ts', ['echo', JSON.stringify(setup)]);
  const run = (kind: RelayTargetKind, calls: number): RelayRunOptions => ({
    kind,
    calls,
    warmUpMs: options.warmUpSeconds * 1_000,
    measureMs: options.measureSeconds * 1_000,
    thinkMs: options.thinkMs,
  });
  try {
    for (const level of options.levels) {
      // A fresh server per level: its memory and store hold only this level's calls.
      const app = await startBenchChild('relay-server.ts', ['app', JSON.stringify(setup)]);
      try {
        options.log(`relay: ${level} calls against voice-agent (pid ${app.pid})…`);
        const result = await runRelayLevel(app, setup, model, run('app', level));
        results.push(result);
        options.log(`  ${JSON.stringify(result)}`);
      } finally {
        await app.stop();
      }
      options.log(`relay: ${level} calls against the ws echo server…`);
      const result = await runRelayLevel(echo, setup, model, run('echo', level));
      results.push(result);
      options.log(`  ${JSON.stringify(result)}`);
    }
  } finally {
    await echo.stop();
    await model.close();
  }
  return results;
}

const cell = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '–' : String(value);
const pair = (s: Summary | undefined) => (s ? `${cell(s.p50)} / ${cell(s.p99)}` : '–');

/** The "## Relay" section of docs/BENCHMARKS.md. */
export function relayMarkdown(
  results: RelayLevelResult[],
  context: { date: string; options: RelayBenchOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const { options } = context;
  const tokens = options.model.tokens.length;
  const replyMs = options.model.firstTokenDelayMs + (tokens - 1) * options.model.interTokenMs;
  const cycleMs = (options.thinkMs[0] + options.thinkMs[1]) / 2 + replyMs;
  const offered = options.levels
    .map((calls) => `${calls} calls ≈ ${Math.round((calls * 1_000) / cycleMs)}`)
    .join(', ');
  const latencyRows = results.map((r) =>
    [
      r.calls,
      r.server,
      r.turnsPerSecond,
      `${cell(r.serverAddedMs.p50)} / ${cell(r.serverAddedMs.p99)} / ${cell(r.serverAddedMs.max)}`,
      pair(r.requestLagMs),
      pair(r.firstTokenLagMs),
      pair(r.laterTextLagMs),
      pair(r.lastLagMs),
      r.errors,
    ].join(' | '),
  );
  const resourceRows = results.map((r) =>
    [
      r.calls,
      r.server,
      r.stored === undefined ? '–' : `${r.acknowledged} / ${r.stored} / ${r.lostTurns ?? 0}`,
      cell(r.cpuPerTurnMs),
      `${cell(r.eventLoopMs.p50)} / ${cell(r.eventLoopMs.p99)} / ${cell(r.eventLoopMs.max)}`,
      r.rssMiB,
      `${cell(r.idleRssPerCallKiB)} / ${r.rssPerCallKiB}`,
      `${r.harnessLoopMs.p99} / ${r.harnessLoopMs.max}`,
      `${r.load.before} → ${r.load.after}`,
    ].join(' | '),
  );
  const problems = results.flatMap((r) => [
    ...(r.errors > 0
      ? [`- ${r.server}, ${r.calls} calls: ${r.errors} errors: ${r.errorSamples.join('; ')}.`]
      : []),
    ...(r.connected < r.calls ? [`- ${r.server}, ${r.calls} calls: only ${r.connected} answered.`] : []),
    ...(r.lostTurns
      ? [`- ${r.server}, ${r.calls} calls: ${r.lostTurns} acknowledged turns are missing from the store.`]
      : []),
    ...(r.storedUnacknowledged
      ? [
          `- ${r.server}, ${r.calls} calls: ${r.storedUnacknowledged} turns were stored whose reply the caller ` +
            'gave up waiting for (not lost: late).',
        ]
      : []),
  ]);
  return [
    '## Relay',
    '',
    `Run ${context.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}. ` +
      loadSentence(context.loadStart, context.loadEnd, machine.cores),
    '',
    `Each level: ${options.warmUpSeconds} s warm-up, then ${options.measureSeconds} s measured. Each simulated call ` +
      'posts the signed voice webhook, opens the socket from the `<ConversationRelay>` in the answer with a signed ' +
      `handshake, sends \`setup\`, then a final \`prompt\`, waits for the whole reply (\`last:true\`), thinks ` +
      `${options.thinkMs[0] / 1_000}–${options.thinkMs[1] / 1_000} s, and prompts again. The fake model sends its ` +
      `first token ${options.model.firstTokenDelayMs} ms after the request arrives, then ${tokens - 1} more every ` +
      `${options.model.interTokenMs} ms (a reply takes about ${replyMs} ms). A call thus prompts about every ` +
      `${round(cycleMs / 1_000, 1)} s: ${offered} turns/s offered when the server keeps up.`,
    '',
    'Latency (ms):',
    '',
    '| Calls | Server | Turns/s | Server-added first text p50 / p99 / max | Prompt → model request p50 / p99 | Model first token → our first text p50 / p99 | Later texts: model token → our text p50 / p99 | Model done → `last:true` p50 / p99 | Errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...latencyRows.map((row) => `| ${row} |`),
    '',
    'Resources and persistence:',
    '',
    '| Calls | Server | Turns acknowledged / stored / lost | Server CPU per turn ms | Event-loop delay p50 / p99 / max ms | RSS MiB | RSS per call KiB, connected / in use | Client event-loop p99 / max ms | Load avg (1 min) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...resourceRows.map((row) => `| ${row} |`),
    '',
    ...(problems.length > 0
      ? ['Problems seen in this run:', '', ...problems, '']
      : ['No errors; every acknowledged turn was found in the store, and every reply arrived whole.', '']),
    'How to read it:',
    '',
    '- **voice-agent** is the real server (`startServer`) in a child process: signature checks on (webhook and ' +
      'socket handshake), embedded DynamoDB (dynalite) in memory **in a child process of its own**, `LLM_PROVIDER=openai-compatible` ' +
      'through the AI SDK and its pooled undici fetch, the speech chunker, `LOG_LEVEL=warn`. Every turn reads the call ' +
      'and its history, streams the model, and stores the turn and the call item before `last:true`.',
    '- **Server-added first text** = (the model request arrived − the prompt was sent) + (our first `text` arrived − the ' +
      "model's first token was sent): the time the caller waits beyond the model's own TTFT. The two parts are the next " +
      'two columns. The fake model lives in the load-generator process, so all four times come from one clock ' +
      '(`performance.now()`). Its first token is a whole sentence, so the chunker can send it at once.',
    '- **Later texts** measures added jitter: for each later `text`, from the moment the model sent the token that ' +
      'completed it to its arrival. The chunker groups tokens into sentences, so a `text` leaves when its last token arrives.',
    '- **Model done → `last:true`** includes storing the turn and updating the call (in-memory dynalite).',
    '- **ws echo** is a bare `ws` server in its own child process that sends every frame back, under the same client ' +
      "load (same sockets, same prompts, same think time): its first column is a prompt's round trip, the limit of a " +
      'WebSocket message on this machine. It sends one frame per prompt where voice-agent sends one per sentence plus ' +
      '`last:true`, and makes no model request.',
    '- Turns/s and latencies count turns whose prompt was sent inside the measured window. Event-loop delay is ' +
      '`monitorEventLoopDelay` in the server process over the window (5 ms resolution). RSS per call, connected: ' +
      '(RSS once every call has its socket open and set up, before any prompt − RSS before the calls) ÷ calls ' +
      "(reliability.md §5.2 L6). In use: the same at the window's end, with the calls talking; it includes the " +
      'heap the server grew under load, not the stored turns (the in-memory store lives in its own process). RSS is noisy: ' +
      'the garbage collector decides when memory goes back.',
    '- **Client event-loop** is the delay in the process that runs the simulated callers and the fake model. It only ' +
      'makes figures worse (a late timer or a late read counts as server-added time): when it is high, the client was ' +
      'short of CPU. The machine has 2 cores for the server, the callers and the fake model together, so the server ' +
      'competes with its load generator.',
    '- **Turns acknowledged / stored / lost**: replies the callers received whole (warm-up included), caller turns ' +
      'found in the store afterwards, and acknowledged turns missing from the store (must be 0). A turn stored but not ' +
      'acknowledged is one whose reply the caller gave up waiting for.',
    "- **Server CPU per turn** is the server process's CPU time (user + system) over the window ÷ the turns measured: " +
      'with a think time, capacity on one core is roughly 1000 ÷ that figure turns/s. It includes the AWS SDK client ' +
      'but not the embedded store, which runs in its own child process, as DynamoDB runs elsewhere in production.',
    "- Where the server's time goes (a CPU profile of the server at 50 calls, taken once while writing this " +
      'benchmark, when dynalite still ran inside the server): at least 28% in the embedded store, whose AWS SDK client ' +
      'and dynalite server then talked over loopback HTTP inside the server process (one operation cost 3–5 ms of CPU here, and a turn makes six: read the call, ' +
      'the turn, the history and the agent, write the turn and the call), about 12% in the AI SDK parsing the model ' +
      "stream, and most of the rest in Node's HTTP and socket code and garbage collection. With DynamoDB over the " +
      'network only the client half of the store stays in the server.',
    '- The AI SDK with the pooled undici dispatcher (src/adapters/llm/keep-alive-fetch.ts) against the default fetch ' +
      'is not compared here: the provider factory always uses the pool and no setting switches it off.',
    '',
  ].join('\n');
}
