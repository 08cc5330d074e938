// The realtime (Media Streams) benchmark: N concurrent realtime calls against the real server (child
// process, in-memory embedded stores, signature checks on) whose realtime model is the fake Realtime
// API in a second child (realtime-model.ts), and Twilio's side of the streams in a third
// (realtime-twilio.ts); this process places the calls over the webhooks and reads the figures. Each
// call streams the caller's audio in 20 ms frames in real time (a line, then silence until the reply
// has played), the fake answers each line with audio in 20 ms deltas at real time, and the Twilio
// side plays it and echoes every mark. With taskset, the server runs on CPU 0 alone and everything
// else on the others ("on one core"). Measured per level: the time from the fake sending an audio
// delta to the Twilio side receiving our `media` frame of it, for the first delta of each reply (the
// target) and for every delta (the same path, a hundred times the samples); the server's own time for
// a reply's first delta (bridge in to frame out); the server's CPU per call-second, its memory per
// call, and the event-loop delay of the server and of the Twilio side. With options.baseline each level
// runs again against the bare bridge (realtime-bare-bridge.ts) on the same CPU: the same traffic through
// Node and `ws` alone, the floor our own work per message sits on.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { startBenchChild } from './child.js';
import { affinityOf, childrenOf, cpuBusyMs, cpuSplit, pin, type CpuSplit } from './cpu-pinning.js';
import type { RelayServerMode, RelayServerSetup, RelayServerStats } from './relay-server.js';
import type { GcPauses } from './realtime-gc.js';
import type { RealtimeServerStats } from './realtime-server-stats.js';
import type { SentAt } from './realtime-model.js';
import { TWILIO_NODE_ARGS, type TwilioReceived, type TwilioWindow } from './realtime-twilio.js';
import { loadAverage, percentile, round, sortedCopy } from './stats.js';
import { FAKE_REALTIME_KEY } from '../src/simulator/fake-realtime/fake-realtime-server.js';
import type { MediaStreamStartFields } from '../src/simulator/media-stream-session.js';
import { TwilioSimulator } from '../src/simulator/twilio-simulator.js';

export interface RealtimeBenchOptions {
  levels: number[];
  warmUpSeconds: number;
  measureSeconds: number;
  /** false: no taskset, every process anywhere. */
  pin: boolean;
  /** Each level also runs the bare bridge (realtime-bare-bridge.ts) under the same load, after the server. */
  baseline: boolean;
  log: (line: string) => void;
  /** Each level's figures as soon as it is measured (realtime-report.ts says them in a line). */
  levelDone: (result: RealtimeLevelResult) => void;
}

export interface Spread {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What answered the streams: our server, or the baseline. */
export type RealtimeTarget = 'voice-agent' | 'bare bridge';

export interface RealtimeLevelResult {
  target: RealtimeTarget;
  calls: number;
  connected: number;
  /** Fake's first audio delta of a reply → our media frame of it received, ms. */
  firstMs: Spread;
  /** The same for every delta. */
  everyMs: Spread & { p999: number };
  /** Inside the server: a reply's first delta handed to the bridge → its media frame written, ms. */
  serverFirstMs: Spread;
  /** The server's garbage-collection pauses over the window. */
  serverGc: RealtimeServerStats['gc'];
  serverOldSpaceGrowthMb: number;
  cpuMsPerCallSecond: number;
  /** Share of a core over the window: the server, the fake model, the Twilio side. */
  cores: { server: number; model: number; load: number };
  /** Pinned: the share of the server's CPU that other processes used over the window. */
  othersOnServerCpu: number | undefined;
  rssPerCallKiB: number;
  eventLoopMs: RelayServerStats['eventLoopMs'];
  loadLoopMs: { p99: number; max: number };
  loadGc: GcPauses;
  errors: number;
  load: { before: number; after: number };
}

// Calls start 25 ms apart (200 calls over 5 s): a burst of session opens measures the start, not the
// steady state. The window opens once the last call has started and warmed up.
const START_SPACING_MS = 25;
// Where the Twilio side shares a CPU with the fakes, it goes first: Twilio's media servers do not
// stall, and its own waits are in every figure, while the fakes' are not (the model notes the time it
// sends a delta, not the time it meant to). Raising a priority needs root; without it, it stays.
const TWILIO_NICE = -5;
const BACKGROUND_NICE = 10;

function spread(values: number[]): Spread {
  const sorted = sortedCopy(values);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.at(-1) ?? NaN, 2),
  };
}

function renice(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch {
    // not allowed here: the run goes on at the default priority
  }
}

/** The fake's send time → the Twilio side's receive time of each tagged frame, ms. */
function addedTimes(
  received: TwilioReceived,
  sent: SentAt,
  from: number,
): { every: number[]; first: number[] } {
  const byTag = new Map<number, number>();
  const every: number[] = [];
  received.tags.forEach((tag, i) => {
    const sentAt = sent.sentAt[tag - from];
    if (sentAt === null || sentAt === undefined) return;
    const ms = received.at[i]! - sentAt;
    every.push(ms);
    byTag.set(tag, ms);
  });
  const first = sent.first.map((tag) => byTag.get(tag)).filter((ms) => ms !== undefined);
  return { every, first };
}

/** One level: a fresh server, fake model and Twilio side, `calls` calls for warm-up + measure seconds. */
async function runLevel(
  target: RealtimeTarget,
  calls: number,
  options: RealtimeBenchOptions,
  split: CpuSplit | undefined,
): Promise<RealtimeLevelResult> {
  let errors = 0;
  const model = await startBenchChild('realtime-model.ts', [], { cpus: split?.rest });
  const twilio = await startBenchChild('realtime-twilio.ts', [], {
    cpus: split?.rest,
    nodeArgs: TWILIO_NODE_ARGS,
  });
  const setup: RelayServerSetup & { realtime: { url: string; apiKey: string } } = {
    publicUrl: 'https://bench.example.test',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    agentNumber: '+14155550189',
    modelUrl: 'http://127.0.0.1:9',
    realtime: { url: model.url, apiKey: FAKE_REALTIME_KEY },
  };
  const mode: RelayServerMode = target === 'voice-agent' ? 'realtime' : 'bridge';
  const child = await startBenchChild('relay-server.ts', [mode, JSON.stringify(setup)], {
    cpus: split?.server,
  });
  // The embedded stores' processes (dynalite and s3rver) stand in for DynamoDB and S3, which are not on
  // the server's core.
  const stores = childrenOf(child.pid);
  if (split) for (const pid of stores) pin(pid, split.rest);
  renice(model.pid, BACKGROUND_NICE);
  renice(twilio.pid, TWILIO_NICE);
  const stats = async () => (await child.request<{ stats: RelayServerStats }>({ type: 'stats' })).stats;
  const modelCpu = async () => (await model.request<{ cpuMs: number }>({ type: 'stats' })).cpuMs;
  const simulator = new TwilioSimulator({
    serverUrl: child.url,
    publicUrl: setup.publicUrl,
    accountSid: setup.accountSid,
    authToken: setup.authToken,
  });
  const before = await stats();
  const loadBefore = loadAverage()[0]!;

  // The bare bridge has no webhooks: its streams open at once, with the fields Twilio's `start` carries.
  const bareStream = (index: number) => {
    const wsUrl = `${child.url.replace(/^http/, 'ws')}/media`;
    const start: MediaStreamStartFields = {
      streamSid: `MZ${randomBytes(16).toString('hex')}`,
      accountSid: setup.accountSid,
      callSid: `CA${String(index).padStart(32, '0')}`,
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      customParameters: {},
    };
    return { type: 'add', wsUrl, signedUrl: wsUrl, authToken: setup.authToken, start };
  };
  const startCall = async (index: number) => {
    await new Promise((resolve) => setTimeout(resolve, index * START_SPACING_MS));
    if (target === 'bare bridge') return void (await twilio.request(bareStream(index)));
    const call = await simulator.startCall({
      direction: 'inbound',
      from: `+1415556${String(index).padStart(4, '0')}`,
      to: setup.agentNumber,
    });
    const stream = call.stream;
    if (!stream) throw new Error(`no media stream: ${call.applicationErrors[0]?.detail ?? call.state}`);
    await twilio.request({
      type: 'add',
      wsUrl: stream.serverUrl,
      signedUrl: stream.url,
      authToken: setup.authToken,
      start: stream.start,
    });
  };
  const started = Array.from({ length: calls }, (_, index) =>
    startCall(index).catch((error: unknown) => {
      errors += 1;
      options.log(`realtime call ${index}: ${String(error)}`);
    }),
  );
  await new Promise((resolve) =>
    setTimeout(resolve, options.warmUpSeconds * 1_000 + calls * START_SPACING_MS),
  );
  await Promise.all(started);

  const start = await stats();
  await child.request({ type: 'reset-stats' });
  const modelStart = await modelCpu();
  const serverCpuStart = split ? cpuBusyMs(Number(split.server)) : NaN;
  await twilio.request({ type: 'window-start' });
  const windowStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.measureSeconds * 1_000));
  const window = await twilio.request<TwilioWindow>({ type: 'window-end' });
  const seconds = (performance.now() - windowStart) / 1_000;
  const serverCpuBusy = split ? cpuBusyMs(Number(split.server)) - serverCpuStart : NaN;
  const modelCores = ((await modelCpu()) - modelStart) / 1_000 / seconds;
  const end = await stats();
  const received = await twilio.request<TwilioReceived>({ type: 'received' });
  await twilio.stop();
  await child.stop();
  // A loop, not Math.min(...tags): 30 s at 200 calls is some 200,000 tags, past the stack's limit.
  const from = received.tags.reduce((low, tag) => Math.min(low, tag), Infinity);
  const to = received.tags.reduce((high, tag) => Math.max(high, tag), -Infinity);
  const sent =
    received.tags.length > 0
      ? await model.request<SentAt>({ type: 'sent-at', from, to })
      : { sentAt: [], first: [] };
  await model.stop();

  const { every, first } = addedTimes(received, sent, from);
  if (process.env.BENCH_REALTIME_DUMP) {
    const lines = received.tags.map(
      (tag, i) =>
        `${received.at[i]!.toFixed(3)} ${(received.at[i]! - (sent.sentAt[tag - from] ?? NaN)).toFixed(3)} ${tag}`,
    );
    const name = target === 'voice-agent' ? '' : 'bridge-';
    writeFileSync(`${process.env.BENCH_REALTIME_DUMP}-${name}${calls}.txt`, lines.join('\n'));
  }
  const connected = window.open;
  const serverCores = (end.cpuMs - start.cpuMs) / 1_000 / seconds;
  return {
    target,
    calls,
    connected,
    firstMs: spread(first),
    everyMs: { ...spread(every), p999: round(percentile(sortedCopy(every), 99.9), 2) },
    serverFirstMs: end.realtime?.firstAudioMs ?? { count: 0, p50: NaN, p99: NaN, max: NaN },
    serverGc: end.realtime?.gc ?? { count: 0, full: 0, totalMs: NaN, maxMs: NaN },
    serverOldSpaceGrowthMb: end.realtime?.oldSpaceGrowthMb ?? NaN,
    cpuMsPerCallSecond: round((end.cpuMs - start.cpuMs) / (connected * seconds), 2),
    cores: {
      server: round(serverCores, 2),
      model: round(modelCores, 2),
      load: round(window.cpuMs / 1_000 / seconds, 2),
    },
    othersOnServerCpu: split
      ? round(Math.max(0, serverCpuBusy / 1_000 / seconds - serverCores), 2)
      : undefined,
    rssPerCallKiB: Math.round((end.rssBytes - before.rssBytes) / 1024 / Math.max(1, connected)),
    eventLoopMs: end.eventLoopMs,
    loadLoopMs: { p99: round(window.loopMs.p99, 1), max: round(window.loopMs.max, 1) },
    loadGc: window.gc,
    errors: errors + window.oddMessages,
    load: { before: loadBefore, after: loadAverage()[0]! },
  };
}

export interface RealtimeRun {
  results: RealtimeLevelResult[];
  /** The CPUs each side ran on, when pinned. */
  split: CpuSplit | undefined;
}

export async function runRealtimeBench(options: RealtimeBenchOptions): Promise<RealtimeRun> {
  const split = options.pin ? cpuSplit() : undefined;
  const affinity = split ? affinityOf(process.pid) : undefined;
  if (split) pin(process.pid, split.rest);
  try {
    const results: RealtimeLevelResult[] = [];
    const targets: RealtimeTarget[] = options.baseline ? ['voice-agent', 'bare bridge'] : ['voice-agent'];
    for (const calls of options.levels) {
      for (const target of targets) {
        options.log(`realtime: ${target}, ${calls} calls${split ? ` on CPU ${split.server}` : ''}`);
        const result = await runLevel(target, calls, options, split);
        options.levelDone(result);
        results.push(result);
      }
    }
    return { results, split };
  } finally {
    if (affinity) pin(process.pid, affinity);
  }
}
