// Signed-out dashboard sessions, one item each in the idempotency table: both are short-lived keys
// that expire through the table's TTL attribute, so no table of their own is needed. The key
// prefix keeps them apart from idempotency keys (`calls:…`). A session's item lives until the
// session would have expired; expired items are ignored on read, since TTL deletes them only
// eventually (and dynalite never does).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionRevocations } from '../../ports/session-revocations.js';
import { guard } from './errors.js';
import { TTL_ATTRIBUTE } from './tables.js';

const KEY_PREFIX = 'dashboard-session-revoked:';

export class DynamoSessionRevocations implements SessionRevocations {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; table: string; now?: () => number }) {}

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    const { doc, table } = this.options;
    await guard('sessions.revoke', () =>
      doc.send(
        new PutCommand({
          TableName: table,
          Item: { idempotency_key: KEY_PREFIX + sessionId, [TTL_ATTRIBUTE]: Math.ceil(expiresAtMs / 1_000) },
        }),
      ),
    );
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const { doc, table } = this.options;
    // Strongly consistent: a sign-out on another instance a moment ago must count.
    const found = await guard('sessions.isRevoked', () =>
      doc.send(
        new GetCommand({
          TableName: table,
          Key: { idempotency_key: KEY_PREFIX + sessionId },
          ConsistentRead: true,
        }),
      ),
    );
    const expiresAtSeconds = found.Item?.[TTL_ATTRIBUTE] as number | undefined;
    const nowSeconds = (this.options.now?.() ?? Date.now()) / 1_000;
    return expiresAtSeconds !== undefined && expiresAtSeconds > nowSeconds;
  }
}
