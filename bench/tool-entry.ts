// What an agent's HTTP tool adds on top of its endpoint's own time (issue 15: at most 5 ms p99 at
// 100 concurrent calls). The endpoint runs in a child process and answers after a fixed delay; the
// same requests are made at the same concurrency twice: bare (a pooled undici request, the
// endpoint's time as any client sees it) and as a tool call through the engine (argument
// validation, templates, the secret, the signature, the SSRF guard's pool, the answer's size cap and
// classification, the masked record). The difference is the overhead; CPU per call shows its cost
// without the network. The time to the filler line is measured once the transports speak it (item 4).
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'undici';
import { AjvSchemaValidator } from '../src/adapters/json-schema/ajv-schema-validator.js';
import { GuardedPool } from '../src/adapters/net/guarded-pool.js';
import { EnvSecrets } from '../src/adapters/secrets/env-secrets.js';
import { HttpToolRunner } from '../src/adapters/tools/http-tool-runner.js';
import { toolConfigSchema } from '../src/domain/agent-tools.js';
import type { ToolCallRecord } from '../src/domain/call.js';
import { ToolCatalog } from '../src/engine/tools/tool-catalog.js';
import { noEffects } from '../src/engine/tools/tool.js';
import { emptyCall, exampleAgent } from '../test/fakes/turn-context.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo, percentile, round, sortedCopy } from './stats.js';

const ENDPOINT_DELAY_MS = 20;
const TARGET_P99_MS = 5;

// The endpoint: JSON after a fixed delay, in its own process so its work is not ours.
const ENDPOINT = `
const http = require('node:http');
const body = JSON.stringify({ order_id: '4412', status: 'shipped', delivery: 'Thursday, June 12', items: ['a blue kettle'] });
http.createServer((req, res) => {
  req.resume();
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), ${ENDPOINT_DELAY_MS});
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

async function startEndpoint(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', ENDPOINT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', () => reject(new Error('the endpoint exited')));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

interface Phase {
  latencies: Float64Array;
  cpuMicrosPerCall: number;
}

/** `calls` loops, each making one request after another (`pauseMs` apart) for `seconds`. */
async function phase(
  calls: number,
  seconds: number,
  request: () => Promise<void>,
  pauseMs = 0,
): Promise<Phase> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1_000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: calls }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await request();
        latencies.push(performance.now() - started);
        if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs * (0.5 + Math.random())));
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { latencies: sortedCopy(latencies), cpuMicrosPerCall: (used.user + used.system) / latencies.length };
}

export function toolBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'tools',
    heading: 'Tool overhead',
    async run() {
      const levels = positiveNumbers(process.env.BENCH_TOOL_LEVELS, [1, 100]);
      // Paced: each call makes a tool request about once a second (a phone call's turn comes every
      // 8–12 s, so this is harsher than calls); back to back: every call's next request at once.
      const runs = [
        ...levels.map((calls) => ({ calls, pauseMs: 1_000 })),
        ...levels.map((calls) => ({ calls, pauseMs: 0 })),
      ];
      const seconds = positiveNumbers(process.env.BENCH_SECONDS, [10])[0]!;
      const loadStart = loadAverage();
      const { url, child } = await startEndpoint();
      const bare = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
      const pool = new GuardedPool();
      const [tool] = toolConfigSchema.array().parse([
        {
          type: 'http',
          name: 'lookup_order',
          description: 'Find an order by its number',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string', pattern: '^[0-9]{3,10}$' } },
            required: ['order_id'],
            additionalProperties: false,
          },
          request: {
            method: 'GET',
            url: `${url}/orders/{order_id}`,
            query: { call: '{{call.sid}}' },
            headers: { Authorization: 'Bearer {{secret.ORDERS_API_TOKEN}}' },
          },
          allow_private_network: true,
        },
      ]);
      const agent = { ...exampleAgent('customer-support-001.json'), tools: [tool!] };
      const catalog = new ToolCatalog({
        validator: new AjvSchemaValidator(),
        runner: new HttpToolRunner({
          pool,
          secrets: new EnvSecrets({ ORDERS_API_TOKEN: 'bench-token' }),
          signingSecret: 'bench-signing-secret',
          privateNetworkAllowed: true,
          requireHttps: false,
        }),
      });
      const signal = new AbortController().signal;
      const lookup = (await catalog.forAgent(agent, signal)).get('lookup_order')!;
      const call = emptyCall(agent.agent_id);
      const extraction = { language: 'en-US', now: new Date(), timezone: 'UTC' };
      let failures = 0;
      const viaTool = async () => {
        const records: ToolCallRecord[] = [];
        await lookup.run(
          { order_id: '4412' },
          {
            agent,
            call,
            callerText: 'Is order 4412 on its way?',
            extraction,
            effects: noEffects(),
            records,
            callId: 'b',
            timeLeftMs: 5_000,
            signal,
          },
        );
        if (records[0]?.status !== 'ok') failures += 1;
      };
      const direct = async () => {
        const response = await bare.request({
          origin: url,
          path: `/orders/4412?call=${call.call_sid}`,
          method: 'GET',
          headers: { authorization: 'Bearer bench-token' },
        });
        await response.body.text();
      };
      const rows: string[] = [];
      try {
        // Warm both paths (connections, compiled schema, JIT).
        await phase(10, 1, direct);
        await phase(10, 1, viaTool);
        for (const { calls, pauseMs } of runs) {
          log(
            `tools: ${calls} concurrent calls, ${pauseMs ? 'paced' : 'back to back'}, ${seconds} s per path`,
          );
          const d = await phase(calls, seconds, direct, pauseMs);
          const t = await phase(calls, seconds, viaTool, pauseMs);
          const p = (phase: Phase, q: number) => percentile(phase.latencies, q);
          const overheadP99 = p(t, 99) - p(d, 99);
          rows.push(
            `| ${calls} | ${pauseMs ? 'about 1 s' : 'none'} | ${t.latencies.length} | ${round(p(d, 50))} | ${round(p(t, 50))} | ${round(p(d, 99))} | ` +
              `${round(p(t, 99))} | **${round(overheadP99)}** | ${Math.round(d.cpuMicrosPerCall)} | ` +
              `${Math.round(t.cpuMicrosPerCall)} | ${overheadP99 <= TARGET_P99_MS ? 'yes' : 'no'} |`,
          );
        }
      } finally {
        child.kill();
        await bare.close();
        await pool.close();
      }
      const machine = machineInfo();
      return [
        '## Tool overhead',
        '',
        `${runDate()} · ${machine.cpuModel} × ${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node} · ` +
          `load ${loadStart.join(' ')} → ${loadAverage().join(' ')}`,
        '',
        `An agent's HTTP tool against a local endpoint that answers after ${ENDPOINT_DELAY_MS} ms (in its own process),`,
        `${seconds} s per path per level: bare pooled requests, then the same requests as tool calls through the engine`,
        '(validation, templates, secret, signature, SSRF-guarded pool, size cap, classification, masked record).',
        `Overhead = tool p99 − bare p99 (target ≤ ${TARGET_P99_MS} ms at 100 concurrent calls, paced). CPU is this process's`,
        `user + system time per call. Failed tool calls: ${failures}. \`npm run bench -- tools\`; BENCH_TOOL_LEVELS, BENCH_SECONDS.`,
        '',
        '| concurrent calls | pause between requests | tool calls | bare p50 ms | tool p50 ms | bare p99 ms | tool p99 ms | overhead p99 ms | bare CPU µs/call | tool CPU µs/call | within target |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
        'Time to the filler line: measured once the transports speak it while a tool runs (issue 15, item 4).',
        '',
      ].join('\n');
    },
  };
}
