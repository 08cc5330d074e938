// CPU per DynamoDB request of the turn path (put the turn, update the call, get the call, the last 60
// turns) through each client, against dynalite in another process: the figures behind
// docs/decisions/0010-dynamodb-wire-client.md. The requests go through DynamoCallStore, as a turn
// sends them; only how they reach DynamoDB changes.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients, type DynamoClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoCallStore } from '../../src/adapters/dynamodb/call-store.js';
import {
  sdkItemRequests,
  wireItemRequests,
  type ItemRequests,
} from '../../src/adapters/dynamodb/lean-commands.js';
import { createTables } from '../../src/adapters/dynamodb/tables.js';
import { tableNames } from '../../src/adapters/dynamodb/test-support.js';
import type { Call, Turn } from '../../src/domain/call.js';
import { startBenchChild } from '../child.js';
import { measureCpu, type CpuFigure, type MicroBenchOptions } from './cpu.js';
import { pinToCpu } from './pin.js';

export const DYNAMO_OPERATIONS = ['put turn', 'update call', 'get call', 'last 60 turns'] as const;
export type DynamoOperation = (typeof DYNAMO_OPERATIONS)[number];

export interface DynamoClientResult {
  client: string;
  /** Per operation: one at a time, and `lanes` in flight. */
  figures: Record<DynamoOperation, { sequential: CpuFigure; concurrent: CpuFigure }>;
}

const HISTORY = 60;
const words = (n: number, seed: number) =>
  Array.from(
    { length: n },
    (_, i) => ['sure', 'order', 'Tuesday', 'email', 'delivery', 'thanks'][(i + seed) % 6],
  ).join(' ');

/** A call item as a turn leaves it mid-call: about 2.6 KB of JSON, with collected data, totals and past calls. */
function benchCall(callSid: string): Call {
  const at = '2026-03-10T10:00:00.000Z';
  return {
    call_sid: callSid,
    agent_id: 'customer-support-001',
    direction: 'inbound',
    transport: 'relay',
    recipient_phone: '+14155551234',
    agent_phone: '+14155550100',
    agent_recipient_key: `+14155551234#${at}`,
    status: 'in-progress',
    status_sequence: 2,
    started_at: at,
    answered_at: at,
    data_collected: collected(3),
    turn_count: 3,
    metadata: { campaign: 'spring-renewals', customer_id: 'cus_8842', source: 'crm-import' },
    past_calls: [1, 2].map((n) => ({
      call_sid: `CApast${n}`,
      started_at: '2026-02-0' + n + 'T09:00:00.000Z',
      summary: `Caller asked about order ${n}; ${words(40, n)}.`,
      outcome: 'resolved' as const,
      gave: ['name', 'email'],
    })),
    totals: {
      latency_ms: 2_400,
      model_latency_ms: 1_900,
      input_tokens: 5_200,
      output_tokens: 310,
      cost_micro_usd: 966,
    },
    version: 1,
  } as Call;
}

function collected(turn: number): Call['data_collected'] {
  const at = '2026-03-10T10:00:05.000Z';
  return {
    name: { value: 'Manas Rao', turn, raw: 'my name is Manas Rao', collected_at: at },
    email: {
      value: 'manas.rao@example.com',
      turn,
      raw: 'manas dot rao at example dot com',
      collected_at: at,
    },
    phone: {
      value: '+14155551234',
      turn,
      raw: 'four one five five five five one two three four',
      collected_at: at,
    },
    order_number: { value: 'A-88421', turn, raw: 'A as in apple 8 8 4 2 1', collected_at: at },
    delivery_date: { value: '2026-03-17', turn, raw: 'next Tuesday', collected_at: at },
    issue: { value: words(25, turn), turn, raw: words(30, turn), collected_at: at },
  } as unknown as Call['data_collected'];
}

/** A stored turn: about 700 bytes of JSON. */
function benchTurn(callSid: string, seq: number): Turn {
  return {
    call_sid: callSid,
    seq,
    kind: 'speech',
    caller_text: `Yes, it is about my order, ${words(12, seq)}.`,
    confidence: 0.91,
    agent_text: `Thanks, I have noted that. ${words(30, seq)}. Is there anything else?`,
    extracted: { order_number: 'A-88421' },
    received_at: '2026-03-10T10:00:05.000Z',
    replied_at: '2026-03-10T10:00:06.000Z',
    latency_ms: 812,
    model_latency_ms: 640,
    input_tokens: 1_730,
    output_tokens: 42,
    cost_micro_usd: 285,
    model: 'openai:gpt-4o-mini',
  };
}

/** The document client's commands, as the store sent every request before lean-commands.ts. */
function docItemRequests(doc: DynamoDBDocumentClient): ItemRequests {
  return {
    getItem: async (input) => (await doc.send(new GetCommand(input))).Item,
    putItem: async (input) => void (await doc.send(new PutCommand(input))),
    updateItem: async (input) => (await doc.send(new UpdateCommand(input))).Attributes,
    queryItems: async (input) => {
      const answer = await doc.send(new QueryCommand(input));
      return {
        items: answer.Items ?? [],
        ...(answer.LastEvaluatedKey ? { lastEvaluatedKey: answer.LastEvaluatedKey } : {}),
      };
    },
  };
}

/** @aws-lite/client with its DynamoDB plugin, when installed (`npm i --no-save @aws-lite/client @aws-lite/dynamodb`). */
async function awsLiteItemRequests(endpoint: string): Promise<ItemRequests | undefined> {
  const load = (name: string) =>
    import(name).catch(() => undefined) as Promise<{ default: unknown } | undefined>;
  const [client, plugin] = await Promise.all([load('@aws-lite/client'), load('@aws-lite/dynamodb')]);
  if (!client || !plugin) return undefined;
  type Api = Record<string, (input: object) => Promise<Record<string, unknown>>>;
  const aws = (
    await (client.default as (config: object) => Promise<{ DynamoDB: Api }>)({
      region: 'local',
      endpoint,
      accessKeyId: 'local',
      secretAccessKey: 'local',
      plugins: [plugin.default],
    })
  ).DynamoDB;
  return {
    getItem: async (input) => (await aws.GetItem!(input)).Item as Record<string, unknown> | undefined,
    putItem: async (input) => void (await aws.PutItem!(input)),
    updateItem: async (input) =>
      (await aws.UpdateItem!(input)).Attributes as Record<string, unknown> | undefined,
    queryItems: async (input) => {
      const answer = await aws.Query!(input);
      const last = answer.LastEvaluatedKey as Record<string, unknown> | undefined;
      return {
        items: (answer.Items ?? []) as Record<string, unknown>[],
        ...(last ? { lastEvaluatedKey: last } : {}),
      };
    },
  };
}

async function measureClient(
  name: string,
  items: ItemRequests,
  dynamo: DynamoClients,
  options: MicroBenchOptions,
): Promise<DynamoClientResult> {
  const tables = tableNames(`Micro${name.replace(/\W/g, '')}_`);
  await createTables(dynamo.client, tables);
  const store = new DynamoCallStore({
    doc: dynamo.doc,
    callsTable: tables.calls,
    turnsTable: tables.turns,
    cursorSecret: 'bench',
    items,
  });
  const sids = Array.from({ length: options.lanes }, (_, lane) => `CA${name.replace(/\W/g, '')}${lane}`);
  const versions = sids.map(() => 1);
  await Promise.all(
    sids.map(async (sid) => {
      if (!(await store.create(benchCall(sid)))) throw new Error(`${name}: call ${sid} exists`);
      for (let seq = 0; seq < HISTORY; seq += 1) await store.putTurn(benchTurn(sid, seq));
    }),
  );
  // Checks that the client writes and reads what the store expects before timing it.
  const check = await store.listTurns(sids[0]!, { last: HISTORY });
  if (check.length !== HISTORY || check[HISTORY - 1]!.seq !== HISTORY - 1)
    throw new Error(`${name}: bad query`);

  let nextSeq = HISTORY;
  const operations: Record<DynamoOperation, (lane: number) => Promise<unknown>> = {
    'put turn': async (lane) => {
      if (!(await store.putTurn(benchTurn(sids[lane]!, nextSeq++)))) throw new Error('turn not stored');
    },
    'update call': async (lane) => {
      const turn = versions[lane]! + 3;
      const updated = await store.update(
        sids[lane]!,
        {
          turn_count: turn,
          data_collected: collected(turn),
          totals: {
            latency_ms: 812 * turn,
            model_latency_ms: 640 * turn,
            input_tokens: 1_730 * turn,
            output_tokens: 42 * turn,
            cost_micro_usd: 285 * turn,
          },
        },
        versions[lane]!,
      );
      if (!updated) throw new Error('update not applied');
      versions[lane] = updated.version;
    },
    'get call': async (lane) => {
      if (!(await store.get(sids[lane]!))) throw new Error('call missing');
    },
    'last 60 turns': async (lane) => {
      if ((await store.listTurns(sids[lane]!, { last: HISTORY })).length !== HISTORY)
        throw new Error('short history');
    },
  };
  const figures = {} as DynamoClientResult['figures'];
  for (const operation of DYNAMO_OPERATIONS) {
    const count = operation === 'last 60 turns' ? Math.ceil(options.count / 4) : options.count;
    const run = operations[operation];
    const sequential = await measureCpu((_lane) => run(0), { count, lanes: 1, warmUp: options.warmUp });
    const concurrent = await measureCpu((lane) => run(lane), {
      count,
      lanes: options.lanes,
      warmUp: options.warmUp,
    });
    figures[operation] = { sequential, concurrent };
    options.log(
      `dynamo ${name} ${operation}: ${sequential.cpuUs} µs CPU one at a time, ${concurrent.cpuUs} µs ${options.lanes} in flight`,
    );
  }
  return { client: name, figures };
}

export async function runDynamoClientBench(
  options: MicroBenchOptions,
): Promise<{ results: DynamoClientResult[]; pinned: boolean }> {
  const server = await startBenchChild('micro/dynalite-main.ts', []);
  const pinned = pinToCpu(process.pid, 0) && pinToCpu(server.pid, 1);
  const dynamo = createDynamoClients({ endpoint: server.url });
  try {
    const clients: [string, ItemRequests][] = [
      ['AWS SDK document client', docItemRequests(dynamo.doc)],
      ['AWS SDK client, marshalled once', sdkItemRequests(dynamo.client)],
      ['wire client (undici + SigV4)', wireItemRequests(dynamo.wire)],
    ];
    const awsLite = await awsLiteItemRequests(server.url);
    if (awsLite) clients.push(['@aws-lite/dynamodb', awsLite]);
    else options.log('dynamo: @aws-lite/dynamodb not installed, skipped');
    const results: DynamoClientResult[] = [];
    for (const [name, items] of clients) results.push(await measureClient(name, items, dynamo, options));
    return { results, pinned };
  } finally {
    await dynamo.destroy();
    await server.stop();
  }
}
