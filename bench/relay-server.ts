// The server side of the relay benchmark, run as a child process so its event loop and memory are
// measured apart from the load generator and the fake model. Two modes:
//   app:  the real server (startServer) on in-memory embedded stores, signature checks ON, the
//         openai-compatible provider pointing at the fake model, one agent with transport relay;
//   echo: a bare `ws` WebSocket server that sends every frame back as is (the limit);
//   bridge: the realtime benchmark's baseline, a bare Media Streams ↔ Realtime API bridge
//         (realtime-bare-bridge.ts) to setup.realtime.
// The parent talks to it over IPC with the same messages as gather-server.ts (GatherServerRequest).
import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startBareWsServer } from './bare-ws-server.js';
import type { GatherServerRequest, ServerStats } from './gather-server.js';
import type { RealtimeServerStats } from './realtime-server-stats.js';
import { benchTelemetrySettings } from './telemetry.js';

// realtime: the real server with its Media Streams transport, the agent on transport realtime and its
// realtime model at setup.realtimeUrl (the parent's fake Realtime API).
export type RelayServerMode = 'app' | 'echo' | 'realtime' | 'bridge';

export interface RelayServerSetup {
  publicUrl: string;
  accountSid: string;
  authToken: string;
  agentNumber: string;
  /** The fake model's base URL (http://127.0.0.1:port). */
  modelUrl: string;
  /** The fake Realtime API (ws://127.0.0.1:port/v1/realtime) and its key, for mode realtime. */
  realtime?: { url: string; apiKey: string };
}

export const RELAY_BENCH_AGENT_ID = 'bench-relay';
export const REALTIME_BENCH_AGENT_ID = 'bench-realtime';

export interface RelayServerStats extends ServerStats {
  /** CPU time (user + system) this process has used since it started. */
  cpuMs: number;
  /** Mode realtime only. */
  realtime?: RealtimeServerStats;
  /** Garbage-collection pauses since it started (ms): young-generation scavenges, full mark-compacts. */
  gcMs: { minor: number; major: number };
  /** CPU time of the main (event-loop) thread since it started; the rest is V8's and libuv's helper threads. */
  mainThreadCpuMs?: number;
}

/** The main thread's user + system time from /proc (Linux; clock ticks, so 10 ms steps). */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
// sysconf(_SC_CLK_TCK): 100 on every Linux Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

const send = (message: unknown) => process.send?.(message);

async function startApp(setup: RelayServerSetup) {
  // Imported here: the echo server must not carry the app's modules in its memory.
  const [{ loadConfig }, { createLogger }, { startServer }, { applyHeapGrowth }] = await Promise.all([
    import('../src/config.js'),
    import('../src/logger.js'),
    import('../src/server.js'),
    import('../src/heap-growth.js'),
  ]);
  const config = loadConfig(
    {
      DATA_DIR: ':memory:',
      HOST: '127.0.0.1',
      PORT: '0',
      // Per-turn info logs would measure pino, not the turn; warnings and errors still print.
      LOG_LEVEL: 'warn',
      PUBLIC_URL: setup.publicUrl,
      TWILIO_ACCOUNT_SID: setup.accountSid,
      TWILIO_AUTH_TOKEN: setup.authToken,
      TWILIO_VALIDATE_SIGNATURES: 'true',
      RECORD_CALLS: 'false',
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: `${setup.modelUrl}/v1`,
      OPENAI_COMPATIBLE_API_KEY: 'bench-key',
      LLM_MODEL: 'bench-model',
      // The longest filler wait: a filler line would pass for the model's first text in the figures.
      RELAY_FILLER_MS: '10000',
      // The longest idle wait: calls start spread over one think time, so a simulated caller can stay
      // silent after the greeting longer than a person would, and the re-prompt would land outside a turn.
      RELAY_IDLE_MS: '60000',
      ...(setup.realtime
        ? { OPENAI_REALTIME_URL: setup.realtime.url, OPENAI_REALTIME_API_KEY: setup.realtime.apiKey }
        : {}),
      // BENCH_TELEMETRY: tracing on, to the parent's OTLP sink.
      ...benchTelemetrySettings(),
    },
    '',
  );
  // As the serve command does.
  applyHeapGrowth(config.HEAP_GROWING_PERCENT);
  const server = await startServer(config, {
    logger: createLogger(config, 'server'),
    print: () => undefined,
    handleSignals: false,
    recordDiscovery: false,
  });
  const { agents, phoneNumbers, callStore } = server.container;
  // No fields to collect and a model that always answers with text: a call never ends by itself.
  const agentId = setup.realtime ? REALTIME_BENCH_AGENT_ID : RELAY_BENCH_AGENT_ID;
  await agents.create({
    agent_id: agentId,
    name: 'Benchmark agent',
    prompt: 'Answer questions about the weather.',
    voice: 'Polly.Joanna-Neural',
    language: 'en-US',
    greeting: 'Hello! Ask me about the weather.',
    max_call_seconds: 14_400,
    ...(setup.realtime
      ? { transport: 'realtime', llm: { realtime: { provider: 'openai', model: 'gpt-realtime' } } }
      : { transport: 'relay' }),
  });
  await phoneNumbers.assign(setup.agentNumber, { agent_id: agentId });
  return {
    url: server.url,
    countTurns: async (callSids: string[]) => {
      const counts: number[] = [];
      for (const sid of callSids) counts.push((await callStore.listTurns(sid)).length);
      return counts;
    },
    stop: () => server.stop(),
  };
}

function startEcho() {
  return startBareWsServer((socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
}

async function main(): Promise<void> {
  const mode = process.argv[2] as RelayServerMode;
  const setup = JSON.parse(process.argv[3] ?? '{}') as RelayServerSetup;
  const realtimeMode = mode === 'realtime' || mode === 'bridge';
  if (realtimeMode && !setup.realtime) throw new Error(`mode ${mode} needs setup.realtime`);
  const server =
    mode === 'echo'
      ? await startEcho()
      : mode === 'bridge'
        ? await (await import('./realtime-bare-bridge.js')).startBareBridge(setup.realtime!)
        : await startApp(setup);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const gcMs = { minor: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcMs.major += entry.duration;
      else gcMs.minor += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const realtime = realtimeMode
    ? (await import('./realtime-server-stats.js')).watchRealtimeServer(
        mode === 'bridge' ? 'bridge' : 'server',
      )
    : undefined;

  // A benchmark that died leaves no server behind.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const request = raw as GatherServerRequest;
    void (async () => {
      switch (request.type) {
        case 'reset-stats':
          loop.reset();
          realtime?.reset();
          return send({ id: request.id, ok: true });
        case 'stats': {
          // A full collection before the window opens: each run starts it with the same clean heap. Its
          // pause is reported to the GC observer a moment later: waited for, so it counts before the window.
          const gc = (globalThis as { gc?: () => void }).gc;
          if (request.gc && gc) {
            gc();
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          const memory = process.memoryUsage();
          const cpu = process.cpuUsage();
          const stats: RelayServerStats = {
            cpuMs: (cpu.user + cpu.system) / 1_000,
            eventLoopMs: {
              p50: ms(loop.percentile(50)),
              p99: ms(loop.percentile(99)),
              max: ms(loop.max),
              mean: ms(loop.mean),
            },
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            gcMs: { ...gcMs },
            mainThreadCpuMs: mainThreadCpuMs(),
            ...(realtime ? { realtime: realtime.read() } : {}),
          };
          return send({ id: request.id, stats });
        }
        case 'count-turns':
          return send({ id: request.id, counts: await server.countTurns(request.callSids) });
        case 'stop':
          await server.stop();
          send({ id: request.id, ok: true });
          process.exit(0);
      }
    })().catch((error: unknown) => send({ id: request.id, error: String(error) }));
  });
  send({ type: 'ready', url: server.url });
}

await main();
