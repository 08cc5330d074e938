import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { PhoneNumberAssignment } from '../../domain/phone-number.js';
import type { PhoneNumberStore } from '../../ports/phone-number-store.js';
import { guard } from './errors.js';
import { ExpressionBuilder } from './expressions.js';
import { sdkItemRequests, type ItemRequests } from './lean-commands.js';
import { INDEXES } from './tables.js';

type Item = Record<string, unknown>;

export interface DynamoPhoneNumberStoreOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  /**
   * How `get`, read by every call's voice webhook, is sent; default: the document client's own
   * DynamoDB client. createDynamoClients' `wire` is lighter.
   */
  items?: ItemRequests;
}

/** Which agent answers each of our Twilio numbers; one item per number. */
export class DynamoPhoneNumberStore implements PhoneNumberStore {
  private readonly items: ItemRequests;

  constructor(private readonly options: DynamoPhoneNumberStoreOptions) {
    this.items = options.items ?? sdkItemRequests(options.doc as unknown as DynamoDBClient);
  }

  async get(phoneNumber: string): Promise<PhoneNumberAssignment | undefined> {
    const { table } = this.options;
    const item = await guard('numbers.get', () =>
      this.items.getItem({ TableName: table, Key: { phone_number: phoneNumber }, ConsistentRead: true }),
    );
    return item as PhoneNumberAssignment | undefined;
  }

  async put(assignment: PhoneNumberAssignment): Promise<void> {
    const { doc, table } = this.options;
    await guard('numbers.put', () => doc.send(new PutCommand({ TableName: table, Item: assignment })));
  }

  async remove(phoneNumber: string): Promise<boolean> {
    const { doc, table } = this.options;
    const result = await guard('numbers.remove', () =>
      doc.send(
        new DeleteCommand({ TableName: table, Key: { phone_number: phoneNumber }, ReturnValues: 'ALL_OLD' }),
      ),
    );
    return result.Attributes !== undefined;
  }

  async listByAgent(agentId: string): Promise<PhoneNumberAssignment[]> {
    const { doc, table } = this.options;
    return this.collect('numbers.listByAgent', (start) => {
      const e = new ExpressionBuilder();
      return doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEXES.numbersByAgent,
          KeyConditionExpression: `${e.name('assigned_agent_id')} = ${e.value(agentId)}`,
          ...e.attributes(),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
    });
  }

  /** Every number (a scan: the table holds one item per number we own, so it stays small). */
  async listAll(): Promise<PhoneNumberAssignment[]> {
    const { doc, table } = this.options;
    return this.collect('numbers.listAll', (start) =>
      doc.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) })),
    );
  }

  private async collect(
    operation: string,
    page: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>,
  ): Promise<PhoneNumberAssignment[]> {
    const all: PhoneNumberAssignment[] = [];
    let start: Item | undefined;
    do {
      const result = await guard(operation, () => page(start));
      all.push(...((result.Items ?? []) as unknown as PhoneNumberAssignment[]));
      start = result.LastEvaluatedKey;
    } while (start);
    return all.sort((a, b) => a.phone_number.localeCompare(b.phone_number));
  }
}
