// The realtime benchmark's section of docs/BENCHMARKS.md and its one-line progress log.
import type { RealtimeBenchOptions, RealtimeLevelResult, RealtimeRun } from './realtime-bench.js';
import { machineInfo } from './stats.js';

export function realtimeLevelLog(r: RealtimeLevelResult): string {
  return (
    `realtime: ${r.target}, ${r.calls} calls: first delta added p50 ${r.firstMs.p50} ms p99 ${r.firstMs.p99} ms ` +
    `(${r.firstMs.count}), every delta p99 ${r.everyMs.p99} ms (${r.everyMs.count}), server-side p99 ` +
    `${r.serverFirstMs.p99} ms; server ${r.cores.server} core, loop p99 ${r.eventLoopMs.p99} ms, ${r.serverGc.full} full GCs, ` +
    `old space ${r.serverOldSpaceGrowthMb >= 0 ? '+' : ''}${r.serverOldSpaceGrowthMb} MB; ` +
    `${r.cpuMsPerCallSecond} ms CPU per call-second, ${r.rssPerCallKiB} KiB per call, ${r.errors} errors`
  );
}

export function realtimeMarkdown(
  run: RealtimeRun,
  context: { date: string; options: RealtimeBenchOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const { results, split } = run;
  const latency = results.map(
    (r) =>
      `| ${r.target} | ${r.calls} | ${r.connected} | ${r.firstMs.count} | ${r.firstMs.p50} | ${r.firstMs.p99} | ${r.firstMs.max} | ` +
      `${r.everyMs.count} | ${r.everyMs.p50} | ${r.everyMs.p99} | ${r.everyMs.p999} | ${r.everyMs.max} | ` +
      `${r.serverFirstMs.p50} | ${r.serverFirstMs.p99} | ${r.serverFirstMs.max} | ${r.errors} |`,
  );
  const resources = results.map(
    (r) =>
      `| ${r.target} | ${r.calls} | ${r.cores.server} | ${r.othersOnServerCpu ?? '–'} | ${r.cpuMsPerCallSecond} | ${r.rssPerCallKiB} | ${r.serverGc.count} (${r.serverGc.full} full) | ${r.serverGc.totalMs} | ${r.serverGc.maxMs} | ${r.eventLoopMs.p99} | ` +
      `${r.eventLoopMs.max} | ${r.cores.model} | ${r.cores.load} | ${r.loadLoopMs.p99} | ${r.loadGc.totalMs} | ${r.load.before} → ${r.load.after} |`,
  );
  const placement = split
    ? `The server ran on CPU ${split.server} alone (taskset, every thread); the fake model, the Twilio side, the benchmark process and the embedded stores' processes (dynalite and s3rver, which stand in for DynamoDB and S3) on CPU ${split.rest}.`
    : 'The processes were not pinned (no taskset, or BENCH_REALTIME_PIN=off): they shared every CPU.';
  return [
    '## Realtime (Media Streams)',
    '',
    `Run ${context.date} with \`npm run bench -- realtime\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; ${context.options.warmUpSeconds} s warm-up ` +
      `and ${context.options.measureSeconds} s measured per level after the last call started (calls start 25 ms apart), ` +
      `a fresh server and fake model per level. Load average (1, 5, 15 min) ` +
      `${context.loadStart.join(', ')} at the start, ${context.loadEnd.join(', ')} at the end.`,
    '',
    'Each call: the real server in a child process (embedded stores in memory, signature checks on, the heap growth `serve` sets: HEAP_GROWING_PERCENT 300), its realtime ' +
      'model the fake Realtime API in a second child process; the Twilio side of the streams plays in a third (bench/realtime-twilio.ts), and the benchmark process places the calls over the webhooks. ' +
      `${placement} The simulated Twilio side streams the caller in 20 ms μ-law frames in real time, each call on a ` +
      'phase of its own (a 1.5 s line, then silence until the reply has played and 400 ms more), and echoes every ' +
      'mark when the audio before it has played; the fake answers each line with 2 s of audio in 20 ms deltas every ' +
      '20 ms. So each call carries 50 frames a second in, and 50 out while the agent speaks.' +
      (context.options.baseline
        ? ' After the server, each level runs again against the *bare bridge* (bench/realtime-bare-bridge.ts) on the same CPU: ' +
          'a Media Streams ↔ Realtime API bridge in the shape of the public Node samples, `ws` both ways and JSON per ' +
          'message, an append per Twilio frame, a `media` per delta and a `clear` on speech, and nothing else (no ' +
          'signatures, marks, turns or store; its streams open without webhooks). The gap between the two rows is ' +
          'what our own work per message costs; what the bridge measures is Node, `ws` and the machine.'
        : ''),
    '',
    'Latency, ms:',
    '',
    '| server | calls | connected at end | first deltas | first: added p50 | first: added p99 | first: added max | every delta: count | every: p50 | every: p99 | every: p99.9 | every: max | server-side first p50 | server-side first p99 | server-side first max | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...latency,
    '',
    'Resources:',
    '',
    "| server | calls | server cores used | other processes on the server's CPU, cores | server CPU ms per call-second | server RSS per call KiB | server GC pauses | server GC ms in all | server longest GC pause ms | server loop p99 ms | server loop max ms | fake model cores | Twilio side cores | Twilio side loop p99 ms | Twilio side GC ms in all | load (1 min) |",
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...resources,
    '',
    '*added* (the target: p99 ≤ 10 ms at 200 calls): from the fake writing an audio delta to its socket to the Twilio side reading our `media` frame of it, ' +
      'read on CLOCK_MONOTONIC in both processes (the same clock on Linux): two loopback hops, the time the delta waits ' +
      "for the server's event loop, the server's parse and forward, and the Twilio side's own wait (its loop delay " +
      'has a column; it plays every caller, so it is kept cheap: no JSON per frame, a large young generation, and ' +
      'the first claim on its CPU). *first*: the first delta of each ' +
      'reply (every frame of the fake carries a tag the server forwards untouched); *every*: all deltas, the same path ' +
      "with a hundred times the samples. *server-side*: inside the server, a reply's first delta handed to the bridge " +
      'to its `media` frame written to the socket (performance.now(), published on a diagnostics channel the benchmark ' +
      'server listens to); it leaves out the wait for the event loop, which the server loop columns show. *Other ' +
      "processes on the server's CPU*: that CPU's busy time (/proc/stat) less the server's own, over the window: " +
      'the machine is shared, and what else ran there delayed the server. *CPU per ' +
      "call-second*: the server process's user + system CPU over the window ÷ (calls × seconds). *RSS per call*: " +
      '(server RSS at the end of the window − before the first call) ÷ calls, garbage included. *GC*: the ' +
      "server's garbage-collection pauses over the window (perf_hooks `gc` entries).",
    '',
  ].join('\n');
}
