// The realtime (Media Streams) benchmark: N concurrent realtime calls against the real server (child
// process, in-memory embedded stores, signature checks on) whose realtime model is the fake Realtime
// API in a second child (realtime-model.ts); this process plays Twilio. Each call streams the caller's audio in 20 ms frames in real time (a line, then
// silence until the reply has played), the fake answers each line with audio in 20 ms deltas at real
// time, and the simulated Twilio side plays it and echoes every mark. Measured per level: the
// server's CPU per call-second, its memory per call, and the time from the fake sending a reply's
// first audio delta to this process receiving our first `media` frame of it (wall clock with
// sub-millisecond resolution in both processes; the first delta's audio carries a tag the server
// forwards untouched).
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchChild } from './child.js';
import type { ServerStats } from './gather-server.js';
import type { RelayServerSetup, RelayServerStats } from './relay-server.js';
import { tagOf, wallNow } from './realtime-model.js';
import { loadAverage, machineInfo, percentile, round, sortedCopy } from './stats.js';
import { FAKE_REALTIME_KEY } from '../src/simulator/fake-realtime/fake-realtime-server.js';
import { toneFor } from '../src/simulator/fake-realtime/tone.js';
import { connectMediaStream, type MediaStreamClient } from '../src/simulator/media-stream-client.js';
import { TwilioSimulator } from '../src/simulator/twilio-simulator.js';

export interface RealtimeBenchOptions {
  levels: number[];
  warmUpSeconds: number;
  measureSeconds: number;
  log: (line: string) => void;
}

export interface RealtimeLevelResult {
  calls: number;
  connected: number;
  replies: number;
  /** Fake's first audio delta of a reply → our first media frame of it, ms. */
  addedMs: { p50: number; p99: number; max: number };
  cpuMsPerCallSecond: number;
  rssPerCallKiB: number;
  eventLoopMs: ServerStats['eventLoopMs'];
  harnessLoopMs: { p99: number; max: number };
  errors: number;
  load: { before: number; after: number };
}

// Calls start 25 ms apart (200 calls over 5 s): a burst of session opens measures the start, not the
// steady state. The window opens once the last call has started and warmed up.
const START_SPACING_MS = 25;
const CALLER_LINE = toneFor('What will the weather be like tomorrow afternoon?', 30); // ~1.5 s

/** One level: a fresh server child, `calls` calls for warm-up + measure seconds. */
async function runLevel(calls: number, options: RealtimeBenchOptions): Promise<RealtimeLevelResult> {
  const receivedAt = new Map<number, number>();
  let measuring = false;
  let errors = 0;
  const model = await startBenchChild('realtime-model.ts', []);
  const setup: RelayServerSetup & { realtime: { url: string; apiKey: string } } = {
    publicUrl: 'https://bench.example.test',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    agentNumber: '+14155550189',
    modelUrl: 'http://127.0.0.1:9',
    realtime: { url: model.url, apiKey: FAKE_REALTIME_KEY },
  };
  const child = await startBenchChild('relay-server.ts', ['realtime', JSON.stringify(setup)]);
  const stats = async () => (await child.request<{ stats: RelayServerStats }>({ type: 'stats' })).stats;
  const simulator = new TwilioSimulator({
    serverUrl: child.url,
    publicUrl: setup.publicUrl,
    accountSid: setup.accountSid,
    authToken: setup.authToken,
  });
  const before = await stats();
  const loadBefore = loadAverage()[0]!;
  const clients: MediaStreamClient[] = [];
  let stopping = false;

  const runCall = async (index: number) => {
    await new Promise((resolve) => setTimeout(resolve, index * START_SPACING_MS));
    const call = await simulator.startCall({
      direction: 'inbound',
      from: `+1415556${String(index).padStart(4, '0')}`,
      to: setup.agentNumber,
    });
    const stream = call.stream;
    if (!stream) throw new Error(`no media stream: ${call.applicationErrors[0]?.detail ?? call.state}`);
    const client = await connectMediaStream({
      wsUrl: stream.serverUrl,
      signedUrl: stream.url,
      authToken: setup.authToken,
      start: stream.start,
      pace: 'realtime',
      playbackRate: 1,
    });
    clients.push(client);
    let seen = 0;
    // Every media frame is looked at for a tag: the first frame of each reply.
    const frames = client.agentAudio;
    const watch = () => {
      for (; seen < frames.length; seen += 1) {
        const tag = tagOf(frames[seen]!);
        if (tag !== undefined && measuring) receivedAt.set(tag, wallNow());
      }
      return false;
    };
    void client.waitFor(watch, 3_600_000, 'never').catch(() => undefined);
    while (!stopping && !client.isClosed) {
      // The reply (or greeting) plays in full, then the caller speaks.
      await client.nextReply({ quietMs: 400, timeoutMs: 15_000 });
      await client.waitFor(
        () => client.playback.playedBytes >= client.playback.receivedBytes,
        15_000,
        'playback',
      );
      if (stopping) break;
      await client.say(CALLER_LINE, { trailingSilenceMs: 0 });
    }
  };

  const running = Array.from({ length: calls }, (_, index) =>
    runCall(index).catch((error: unknown) => {
      // A call ended by the hang-up after the window is not an error.
      if (stopping) return;
      errors += 1;
      options.log(`realtime call ${index}: ${String(error)}`);
    }),
  );
  await new Promise((resolve) =>
    setTimeout(resolve, options.warmUpSeconds * 1_000 + calls * START_SPACING_MS),
  );
  const harness = monitorEventLoopDelay({ resolution: 5 });
  harness.enable();
  const start = await stats();
  void child.request({ type: 'reset-stats' });
  measuring = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.measureSeconds * 1_000));
  measuring = false;
  const end = await stats();
  const seconds = (performance.now() - started) / 1_000;
  harness.disable();
  stopping = true;
  const connected = clients.filter((client) => !client.isClosed).length;
  await Promise.all(clients.map((client) => client.hangUp().catch(() => undefined)));
  await Promise.all(running);
  await child.stop();
  const { sentAt } = await model.request<{ sentAt: [number, number][] }>({ type: 'sent-at' });
  await model.stop();
  const added: number[] = [];
  for (const [tag, sent] of sentAt) {
    const received = receivedAt.get(tag);
    if (received !== undefined) added.push(received - sent);
  }

  const sorted = sortedCopy(added);
  const harnessMs = (ns: number) => round(ns / 1e6, 1);
  return {
    calls,
    connected,
    replies: added.length,
    addedMs: {
      p50: round(percentile(sorted, 50), 2),
      p99: round(percentile(sorted, 99), 2),
      max: round(sorted.at(-1) ?? NaN, 2),
    },
    cpuMsPerCallSecond: round((end.cpuMs - start.cpuMs) / (connected * seconds), 2),
    rssPerCallKiB: Math.round((end.rssBytes - before.rssBytes) / 1024 / Math.max(1, connected)),
    eventLoopMs: end.eventLoopMs,
    harnessLoopMs: { p99: harnessMs(harness.percentile(99)), max: harnessMs(harness.max) },
    errors,
    load: { before: loadBefore, after: loadAverage()[0]! },
  };
}

export async function runRealtimeBench(options: RealtimeBenchOptions): Promise<RealtimeLevelResult[]> {
  const results: RealtimeLevelResult[] = [];
  for (const calls of options.levels) {
    options.log(`realtime: ${calls} calls`);
    const result = await runLevel(calls, options);
    options.log(
      `realtime: ${calls} calls: added p50 ${result.addedMs.p50} ms p99 ${result.addedMs.p99} ms, ` +
        `${result.cpuMsPerCallSecond} ms CPU per call-second, ${result.rssPerCallKiB} KiB per call`,
    );
    results.push(result);
  }
  return results;
}

export function realtimeMarkdown(
  results: RealtimeLevelResult[],
  context: { date: string; options: RealtimeBenchOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const rows = results.map(
    (r) =>
      `| ${r.calls} | ${r.connected} | ${r.replies} | ${r.addedMs.p50} | ${r.addedMs.p99} | ${r.addedMs.max} | ` +
      `${r.cpuMsPerCallSecond} | ${r.rssPerCallKiB} | ${r.eventLoopMs.p99} | ${r.harnessLoopMs.p99} | ${r.errors} | ` +
      `${r.load.before} → ${r.load.after} |`,
  );
  return [
    '## Realtime (Media Streams)',
    '',
    `Run ${context.date} with \`npm run bench -- realtime\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; ${context.options.warmUpSeconds} s warm-up ` +
      `and ${context.options.measureSeconds} s measured per level after the last call started (calls start 25 ms apart), a fresh server per level. Load average (1, 5, 15 min) ` +
      `${context.loadStart.join(', ')} at the start, ${context.loadEnd.join(', ')} at the end.`,
    '',
    'Each call: the real server in a child process (embedded stores in memory, signature checks on), its realtime ' +
      'model the fake Realtime API in a second child process; the load process plays Twilio. The simulated Twilio side streams the caller in 20 ms μ-law ' +
      'frames in real time (a 1.5 s line, then silence until the reply has played) and echoes every mark as the ' +
      'audio plays; the fake answers each line with 2 s of audio in 20 ms deltas every 20 ms. So each call carries ' +
      '50 frames a second each way while the agent speaks, and 50 in otherwise.',
    '',
    '| calls | connected at end | replies measured | added p50 ms | added p99 ms | added max ms | server CPU ms per call-second | server RSS per call KiB | server loop p99 ms | load process loop p99 ms | errors | load (1 min) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    "*added*: from the fake sending a reply's first audio delta to the load process receiving our first `media` frame " +
      "of it: two loopback hops, the server's parse and forward, and the event-loop delay of the three processes " +
      '(the load process plays every caller, so its own loop delay, in its column, is part of the figure); the two ' +
      'ends are read on the wall clocks of two processes (performance.timeOrigin + now), good to about a millisecond. ' +
      "*CPU per call-second*: the server process's user + system CPU over the window ÷ (calls × seconds). *RSS per " +
      'call*: (server RSS at the end of the window − before the first call) ÷ calls, garbage included.',
    '',
  ].join('\n');
}
