import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { createDynamoClients } from '../dynamodb/client.js';
import { createTables } from '../dynamodb/tables.js';
import { tableNames } from '../dynamodb/test-support.js';
import { readDiscovery } from './discovery.js';
import { connectOrStartEmbeddedDynamo, dynamoAnswers, startEmbeddedDynamo } from './dynalite.js';
import { holdFolder } from './test-support.js';

let dataDir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'embedded-dynamo-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dataDir, { recursive: true, force: true });
});

const tables = tableNames('Embedded_');

async function writeAgent(endpoint: string): Promise<void> {
  const { client, doc } = createDynamoClients({ endpoint });
  await createTables(client, tables);
  await doc.send(new PutCommand({ TableName: tables.agents, Item: { agent_id: 'a1', name: 'kept' } }));
  client.destroy();
}

async function readAgent(endpoint: string): Promise<unknown> {
  const { client, doc } = createDynamoClients({ endpoint });
  const result = await doc.send(new GetCommand({ TableName: tables.agents, Key: { agent_id: 'a1' } }));
  client.destroy();
  return result.Item;
}

describe('startEmbeddedDynamo', () => {
  it('keeps data in <dataDir>/dynamodb across a restart', async () => {
    const first = await startEmbeddedDynamo({ dataDir });
    await writeAgent(first.endpoint);
    await first.close();
    expect(await dynamoAnswers(first.endpoint)).toBe(false);

    const second = await startEmbeddedDynamo({ dataDir });
    closers.push(second.close);
    expect(await readAgent(second.endpoint)).toEqual({ agent_id: 'a1', name: 'kept' });
  });

  it('keeps data in memory without a dataDir', async () => {
    const memory = await startEmbeddedDynamo();
    closers.push(memory.close);
    expect(memory.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await writeAgent(memory.endpoint);
    expect(await readAgent(memory.endpoint)).toEqual({ agent_id: 'a1', name: 'kept' });
  });

  it('refuses a folder that is already open with a clear error instead of crashing', async () => {
    const owner = await startEmbeddedDynamo({ dataDir });
    closers.push(owner.close);
    const error = await startEmbeddedDynamo({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).message).toContain(`${join(dataDir, 'dynamodb')} is in use by another process`);
    expect(await dynamoAnswers(owner.endpoint)).toBe(true);
  });
});

describe('connectOrStartEmbeddedDynamo', () => {
  it('reuses the endpoint recorded by the process that holds the folder', async () => {
    const first = await connectOrStartEmbeddedDynamo(dataDir);
    closers.push(first.close);
    expect(first.shared).toBe(false);
    expect((await readDiscovery(dataDir))?.dynamodb_endpoint).toBe(first.endpoint);

    const second = await connectOrStartEmbeddedDynamo(dataDir);
    expect(second).toMatchObject({ endpoint: first.endpoint, shared: true });
    await second.close(); // a no-op: the owner keeps serving
    await writeAgent(second.endpoint);
    expect(await readAgent(first.endpoint)).toEqual({ agent_id: 'a1', name: 'kept' });

    await first.close();
    closers.pop();
    expect(await readDiscovery(dataDir)).toBeUndefined();
  });

  it('takes the folder once a holder that wrote no record lets it go (the store of an owner that just died)', async () => {
    const dying = await startEmbeddedDynamo({ dataDir }); // holds the lock, records nothing
    await writeAgent(dying.endpoint);
    const opening = connectOrStartEmbeddedDynamo(dataDir);
    await sleep(1_000);
    await dying.close();

    const own = await opening;
    closers.push(own.close);
    expect(own.shared).toBe(false);
    expect(await readAgent(own.endpoint)).toEqual({ agent_id: 'a1', name: 'kept' });
  });

  it('shares the folder of another process, and takes it over once that process is gone', async () => {
    const held = await holdFolder(dataDir);
    closers.push(held.kill);
    expect(held.shared).toBe(false);

    // Opening the folder directly fails cleanly; connecting shares the child's server.
    await expect(startEmbeddedDynamo({ dataDir })).rejects.toMatchObject({ code: 'unavailable' });
    const shared = await connectOrStartEmbeddedDynamo(dataDir);
    expect(shared).toMatchObject({ endpoint: held.endpoint, shared: true });
    await writeAgent(shared.endpoint);

    await held.kill();
    expect(await readDiscovery(dataDir)).toBeUndefined(); // its pid is dead

    const own = await connectOrStartEmbeddedDynamo(dataDir);
    closers.push(own.close);
    expect(own.shared).toBe(false);
    expect(await readAgent(own.endpoint)).toEqual({ agent_id: 'a1', name: 'kept' });
  });
});
