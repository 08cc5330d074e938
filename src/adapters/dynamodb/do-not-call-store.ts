import { DeleteCommand, GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DoNotCallEntry } from '../../domain/campaign.js';
import type { DoNotCallStore } from '../../ports/do-not-call-store.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { clampLimit, decodeCursor, encodeCursor } from './cursor.js';
import { guard } from './errors.js';
import { putIfAbsent } from './put-if-absent.js';

/** The do-not-call list: one item per number. Listing scans it (it is read by people, a page at a time). */
export class DynamoDoNotCallStore implements DoNotCallStore {
  constructor(
    private readonly options: {
      doc: DynamoDBDocumentClient;
      table: string;
      cursorSecret: string | Uint8Array;
    },
  ) {}

  add(entry: DoNotCallEntry): Promise<boolean> {
    const { doc, table } = this.options;
    return putIfAbsent(doc, table, entry, 'phone_number', 'do-not-call.add');
  }

  async get(phoneNumber: string): Promise<DoNotCallEntry | undefined> {
    const { doc, table } = this.options;
    const result = await guard('do-not-call.get', () =>
      doc.send(
        new GetCommand({ TableName: table, Key: { phone_number: phoneNumber }, ConsistentRead: true }),
      ),
    );
    return result.Item as DoNotCallEntry | undefined;
  }

  async remove(phoneNumber: string): Promise<boolean> {
    const { doc, table } = this.options;
    const result = await guard('do-not-call.remove', () =>
      doc.send(
        new DeleteCommand({ TableName: table, Key: { phone_number: phoneNumber }, ReturnValues: 'ALL_OLD' }),
      ),
    );
    return result.Attributes !== undefined;
  }

  async list(page: PageRequest): Promise<Page<DoNotCallEntry>> {
    const { doc, table, cursorSecret } = this.options;
    const scope = 'do-not-call';
    const start = page.cursor ? decodeCursor(cursorSecret, scope, page.cursor).k : undefined;
    const result = await guard('do-not-call.list', () =>
      doc.send(
        new ScanCommand({
          TableName: table,
          Limit: clampLimit(page.limit),
          ...(start ? { ExclusiveStartKey: start as Record<string, unknown> } : {}),
        }),
      ),
    );
    return {
      items: (result.Items ?? []) as DoNotCallEntry[],
      ...(result.LastEvaluatedKey
        ? { cursor: encodeCursor(cursorSecret, scope, { k: result.LastEvaluatedKey }) }
        : {}),
    };
  }
}
