// The embedded DynamoDB (dynalite) in three places: in this process, on its event loop (the design
// before docs/decisions/0007), in a worker thread, and in a child process (startEmbeddedDynamo, what
// the server and the CLI use). For each: start-up in memory (as tests use it) to the first answer,
// then PutItem + GetItem pairs at a steady rate through the AWS SDK's document client against a store
// on disk (the server's default), measuring this process's event-loop delay, its main thread's CPU
// (Linux: /proc/self/task) and the store's own CPU.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients, type DynamoClients } from '../src/adapters/dynamodb/client.js';
import { startEmbeddedDynamo } from '../src/adapters/embedded/dynalite.js';
import { percentile, round, sortedCopy } from './stats.js';

export const PLACEMENTS = ['in-process', 'worker thread', 'child process'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export interface EmbeddedStoreBenchOptions {
  placements: readonly Placement[];
  /** Offered loads, in operations per second. */
  rates: number[];
  warmUpSeconds: number;
  measureSeconds: number;
  /** Start-ups timed per placement. */
  starts: number;
  log: (line: string) => void;
}

export interface StartUpResult {
  placement: Placement;
  /**
   * Start to the first ListTables answered: the first in this process (in-process, that includes
   * loading dynalite into it), and the median of the others.
   */
  startMs: { first: number; p50: number };
  /** This process's CPU per start-up, the store's own work included when it runs here. */
  hostCpuMs: number;
  /** Memory the store adds: its own process's RSS, or this process's RSS growth at the first start. */
  storeRssMiB: number;
}

export interface LoadResult {
  placement: Placement;
  /** Operations started per second. */
  offeredOpsPerSecond: number;
  /** Operations ended per second, over the window and the wait for the last ones. */
  opsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Share of the window this process's event loop was busy (0-1). */
  eventLoopUtilization: number;
  /** Per operation: this process's main thread, and the store wherever it runs. */
  cpuPerOpMs: { mainThread: number; store: number | undefined };
  errors: number;
}

interface RunningStore {
  endpoint: string;
  /** The store's own process, when it has one. */
  pid?: number;
  /** The store's CPU so far, in ms, when it can be told apart from this process's main thread. */
  storeCpuMs(): number | undefined;
  close(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const CREATE_TABLE_MS = 0;

/** utime + stime of a /proc stat file, in ms; undefined off Linux. */
function procCpuMs(statPath: string): number | undefined {
  try {
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const mainThreadCpuMs = () => procCpuMs(`/proc/self/task/${process.pid}/stat`);
const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function rssMiB(pid: number): number | undefined {
  try {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const dynalitePath = createRequire(import.meta.url).resolve('dynalite');

/** In `path` on disk (LevelDB), or in memory. */
type Starter = (path?: string) => Promise<RunningStore>;

const inProcess: Starter = async (path) => {
  const { default: dynalite } = await import('dynalite');
  const server: Server = dynalite({ createTableMs: CREATE_TABLE_MS, ...(path ? { path } : {}) });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    storeCpuMs: () => undefined,
    close: () => new Promise<void>((done, fail) => server.close((e) => (e ? fail(e) : done()))),
  };
};

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(${JSON.stringify(dynalitePath)})({ createTableMs: ${CREATE_TABLE_MS}, ...workerData });
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.once('message', () => server.close(() => process.exit(0)));
`;

const inWorker: Starter = async (path) => {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: path ? { path } : {} });
  const [port] = (await once(worker, 'message')) as [number];
  return {
    endpoint: `http://127.0.0.1:${port}`,
    storeCpuMs: () => {
      const main = mainThreadCpuMs();
      return main === undefined ? undefined : processCpuMs() - main;
    },
    close: async () => {
      const exited = once(worker, 'exit');
      worker.postMessage('close');
      await exited;
    },
  };
};

// startEmbeddedDynamo keeps its data in <dataDir>/dynamodb.
const inChild: Starter = async (path) => {
  const store = await startEmbeddedDynamo(path ? { dataDir: path } : {});
  return { ...store, storeCpuMs: () => procCpuMs(`/proc/${store.pid}/stat`) };
};

const starters: Record<Placement, Starter> = {
  'in-process': inProcess,
  'worker thread': inWorker,
  'child process': inChild,
};

async function measureStartUp(placement: Placement, starts: number): Promise<StartUpResult> {
  const times: number[] = [];
  let cpu = 0;
  let storeRss = Number.NaN;
  for (let n = 0; n < starts; n++) {
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = processCpuMs();
    const started = performance.now();
    const store = await starters[placement]();
    const { client } = createDynamoClients({ endpoint: store.endpoint });
    await client.send(new ListTablesCommand({}));
    times.push(performance.now() - started);
    cpu += processCpuMs() - cpuBefore;
    if (n === 0)
      storeRss = store.pid
        ? (rssMiB(store.pid) ?? Number.NaN)
        : (process.memoryUsage().rss - rssBefore) / 1024 ** 2;
    client.destroy();
    await store.close();
  }
  return {
    placement,
    startMs: { first: round(times[0]!), p50: round(percentile(sortedCopy(times.slice(1)), 50)) },
    hostCpuMs: round(cpu / starts),
    storeRssMiB: round(storeRss),
  };
}

const TABLE = 'Bench';

async function createTable({ client }: DynamoClients): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  while ((await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus !== 'ACTIVE')
    await sleep(10);
}

interface Drive {
  latenciesMs: number[];
  errors: number;
}

/**
 * PutItem-then-GetItem pairs started at a steady `opsPerSecond` (an open loop, like callers that do not
 * wait for each other) until `untilMs`; resolves once every pair has ended.
 */
async function drive(clients: DynamoClients, table: string, opsPerSecond: number, untilMs: number) {
  const result: Drive = { latenciesMs: [], errors: 0 };
  const payload = 'x'.repeat(200);
  const timed = async (send: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await send();
      result.latenciesMs.push(performance.now() - started);
    } catch {
      result.errors++;
    }
  };
  const pair = async (n: number) => {
    const key = { id: `item${n % 500}` };
    await timed(() => clients.doc.send(new PutCommand({ TableName: table, Item: { ...key, n, payload } })));
    await timed(() => clients.doc.send(new GetCommand({ TableName: table, Key: key })));
  };
  const pairs: Promise<void>[] = [];
  const started = performance.now();
  while (performance.now() < untilMs) {
    const due = Math.floor(((performance.now() - started) / 1000) * (opsPerSecond / 2));
    while (pairs.length < due) pairs.push(pair(pairs.length));
    await sleep(2);
  }
  await Promise.all(pairs);
  return result;
}

async function measureLoad(
  placement: Placement,
  rate: number,
  options: EmbeddedStoreBenchOptions,
): Promise<LoadResult> {
  const folder = await mkdtemp(join(tmpdir(), 'embedded-store-bench-'));
  const store = await starters[placement](folder);
  const clients = createDynamoClients({ endpoint: store.endpoint });
  try {
    await createTable(clients);
    await drive(clients, TABLE, rate, performance.now() + options.warmUpSeconds * 1000);

    const delay = monitorEventLoopDelay({ resolution: 1 });
    const mainBefore = mainThreadCpuMs();
    const storeBefore = store.storeCpuMs();
    const eluBefore = performance.eventLoopUtilization();
    const started = performance.now();
    delay.enable();
    const load = await drive(clients, TABLE, rate, started + options.measureSeconds * 1000);
    delay.disable();
    const seconds = (performance.now() - started) / 1000;
    const elu = performance.eventLoopUtilization(eluBefore);
    const mainAfter = mainThreadCpuMs();
    const storeAfter = store.storeCpuMs();

    const ops = load.latenciesMs.length;
    const sorted = sortedCopy(load.latenciesMs);
    const perOp = (before: number | undefined, after: number | undefined) =>
      before === undefined || after === undefined || ops === 0 ? undefined : round((after - before) / ops, 3);
    const ms = (ns: number) => round(ns / 1e6, 2);
    return {
      placement,
      offeredOpsPerSecond: rate,
      opsPerSecond: round(ops / seconds, 0),
      latencyMs: { p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2) },
      eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      eventLoopUtilization: round(elu.utilization, 2),
      cpuPerOpMs: {
        mainThread: perOp(mainBefore, mainAfter) ?? Number.NaN,
        store: perOp(storeBefore, storeAfter),
      },
      errors: load.errors,
    };
  } finally {
    clients.client.destroy();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  }
}

export async function runEmbeddedStoreBench(
  options: EmbeddedStoreBenchOptions,
): Promise<{ startUps: StartUpResult[]; loads: LoadResult[] }> {
  const startUps: StartUpResult[] = [];
  const loads: LoadResult[] = [];
  for (const placement of options.placements) {
    options.log(`embedded store: ${placement}, start-up`);
    startUps.push(await measureStartUp(placement, options.starts));
  }
  // Placements alternate within each rate, so a change in the machine's load hits them alike.
  for (const rate of options.rates) {
    for (const placement of options.placements) {
      options.log(`embedded store: ${placement}, ${rate} ops/s`);
      loads.push(await measureLoad(placement, rate, options));
    }
  }
  return { startUps, loads };
}
