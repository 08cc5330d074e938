// The server side of the Gather benchmark, run as a child process so its event loop and memory are
// measured apart from the load generator. Two modes:
//   app:  the real server (startServer) on in-memory embedded stores, signature checks ON;
//   bare: a bare Fastify app with form parsing whose one route returns fixed TwiML (the limit).
// The parent talks to it over IPC: see GatherServerRequest.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { createLogger } from '../src/logger.js';
import { benchTelemetrySettings } from './telemetry.js';

export type GatherServerMode = 'app' | 'bare';

export type GatherServerRequest =
  | { id: number; type: 'reset-stats' }
  // gc: a full collection first (relay-server.ts, in a child started with --expose-gc).
  | { id: number; type: 'stats'; gc?: boolean }
  | { id: number; type: 'count-turns'; callSids: string[] }
  | { id: number; type: 'stop' };

export interface ServerStats {
  eventLoopMs: { p50: number; p99: number; max: number; mean: number };
  rssBytes: number;
  heapUsedBytes: number;
  /** Process CPU time (user + system) since it started. */
  cpuMs: number;
}

export interface GatherServerSetup {
  publicUrl: string;
  accountSid: string;
  authToken: string;
  agentNumber: string;
}

export const BENCH_AGENT_ID = 'bench-stubborn';
export const FIXED_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="speech" action="https://bench.example.test/twilio/gather?seq=2" ' +
  'method="POST" actionOnEmptyResult="true" speechTimeout="auto" language="en-US"><Say voice="Polly.Joanna-Neural">' +
  "Sorry, I didn't catch that. What is your email address?</Say></Gather></Response>";

const send = (message: unknown) => process.send?.(message);

async function startApp(setup: GatherServerSetup) {
  const config = loadConfig(
    {
      DATA_DIR: ':memory:',
      HOST: '127.0.0.1',
      PORT: '0',
      // Per-request info logs would measure pino, not the turn; warnings and errors still print.
      LOG_LEVEL: 'warn',
      PUBLIC_URL: setup.publicUrl,
      TWILIO_ACCOUNT_SID: setup.accountSid,
      TWILIO_AUTH_TOKEN: setup.authToken,
      TWILIO_VALIDATE_SIGNATURES: 'true',
      RECORD_CALLS: 'false',
      // BENCH_TELEMETRY: tracing on, to the parent's OTLP sink.
      ...benchTelemetrySettings(),
    },
    '',
  );
  const server = await startServer(config, {
    logger: createLogger(config, 'server'),
    print: () => undefined,
    handleSignals: false,
    recordDiscovery: false,
  });
  const { agents, phoneNumbers, callStore } = server.container;
  // One required email the caller never gives: the scripted policy asks again on every turn, so a
  // call never ends, and each turn reads the history and writes a turn and the call item.
  await agents.create({
    agent_id: BENCH_AGENT_ID,
    name: 'Benchmark email collector',
    prompt: 'Collect the email address.',
    voice: 'Polly.Joanna-Neural',
    language: 'en-US',
    greeting: 'Hello! What is your email address?',
    data_to_fill: [{ name: 'email', type: 'email', required: true }],
    max_call_seconds: 14_400,
  });
  await phoneNumbers.assign(setup.agentNumber, { agent_id: BENCH_AGENT_ID });
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

async function startBare() {
  const app = Fastify({ logger: false, bodyLimit: 65_536 });
  await app.register(formbody, { bodyLimit: 65_536 });
  const answer = async (
    _request: unknown,
    reply: { header: (k: string, v: string) => { send: (b: string) => unknown } },
  ) => reply.header('content-type', 'text/xml; charset=utf-8').send(FIXED_TWIML);
  app.post('/twilio/voice', answer);
  app.post('/twilio/gather', answer);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    countTurns: async (callSids: string[]) => callSids.map(() => 0),
    stop: () => app.close(),
  };
}

async function main(): Promise<void> {
  const mode = process.argv[2] as GatherServerMode;
  const setup = JSON.parse(process.argv[3] ?? '{}') as GatherServerSetup;
  const server = mode === 'bare' ? await startBare() : await startApp(setup);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  process.on('message', (raw) => {
    const request = raw as GatherServerRequest;
    void (async () => {
      switch (request.type) {
        case 'reset-stats':
          loop.reset();
          return send({ id: request.id, ok: true });
        case 'stats': {
          const memory = process.memoryUsage();
          const cpu = process.cpuUsage();
          const stats: ServerStats = {
            eventLoopMs: {
              p50: ms(loop.percentile(50)),
              p99: ms(loop.percentile(99)),
              max: ms(loop.max),
              mean: ms(loop.mean),
            },
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            cpuMs: (cpu.user + cpu.system) / 1_000,
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
