import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore } from '../../ports/idempotency-store.js';
import { guard, isConditionalFailure } from './errors.js';

interface Item {
  idempotency_key: string;
  fingerprint: string;
  state: 'in-progress' | 'done';
  response?: unknown;
  /** Epoch SECONDS, as DynamoDB TTL requires. */
  ttl: number;
}

/** Idempotency keys as conditional puts; expired items are ignored even before TTL deletes them. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; table: string; now?: () => number }) {}

  private nowSeconds(): number {
    return Math.floor((this.options.now?.() ?? Date.now()) / 1_000);
  }

  async claim(key: string, fingerprint: string, ttlSeconds: number): Promise<IdempotencyClaim> {
    const { doc, table } = this.options;
    const now = this.nowSeconds();
    const item: Item = { idempotency_key: key, fingerprint, state: 'in-progress', ttl: now + ttlSeconds };
    try {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#k) OR #ttl < :now',
          ExpressionAttributeNames: { '#k': 'idempotency_key', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return { state: 'claimed' };
    } catch (error) {
      if (!isConditionalFailure(error)) return guard('idempotency.claim', () => Promise.reject(error));
    }
    const existing = await guard('idempotency.get', () =>
      doc.send(new GetCommand({ TableName: table, Key: { idempotency_key: key }, ConsistentRead: true })),
    );
    const found = existing.Item as Item | undefined;
    if (!found) return this.claim(key, fingerprint, ttlSeconds);
    return found.state === 'done'
      ? { state: 'done', fingerprint: found.fingerprint, response: found.response }
      : { state: 'in-progress', fingerprint: found.fingerprint };
  }

  async complete(key: string, response: unknown): Promise<void> {
    const { doc, table } = this.options;
    await guard('idempotency.complete', () =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { idempotency_key: key },
          UpdateExpression: 'SET #s = :done, #r = :response',
          ExpressionAttributeNames: { '#s': 'state', '#r': 'response' },
          ExpressionAttributeValues: { ':done': 'done', ':response': response },
        }),
      ),
    );
  }

  async release(key: string): Promise<void> {
    const { doc, table } = this.options;
    await guard('idempotency.release', () =>
      doc.send(new DeleteCommand({ TableName: table, Key: { idempotency_key: key } })),
    );
  }
}
