import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder, setClauses } from './expressions.js';
import { putIfAbsent } from './put-if-absent.js';

/** The attributes every durable job carries. */
export interface JobItem {
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until?: string;
  version: number;
}

/**
 * A table of durable jobs, one item per `key`, with a StatusIndex (status, next_attempt_at). Every
 * transition is a single-item conditional update on `version` (dynalite has no transactions), so
 * two instances never run the same attempt; the index finds due jobs without a scan.
 */
export class DynamoJobTable<Job extends JobItem> {
  constructor(
    private readonly options: {
      doc: DynamoDBDocumentClient;
      table: string;
      key: keyof Job & string;
      index: string;
      /** Prefix of the operation names in errors, e.g. "recordings". */
      name: string;
    },
  ) {}

  /** Conditional create: false when an item with this key already exists. */
  create(item: Job): Promise<boolean> {
    const { doc, table, key, name } = this.options;
    return putIfAbsent(doc, table, item, key, `${name}.enqueue`);
  }

  async get(id: string): Promise<Job | undefined> {
    const { doc, table, key, name } = this.options;
    const result = await guard(`${name}.get`, () =>
      doc.send(new GetCommand({ TableName: table, Key: { [key]: id }, ConsistentRead: true })),
    );
    return result.Item as Job | undefined;
  }

  /**
   * `pending` → `running` (attempts + 1, leased), or a `running` job whose lease ran out. A table
   * that partitions its queue (campaign contacts) names its own pending status and may set more
   * attributes in the same write.
   */
  claim(
    id: string,
    version: number,
    running: string,
    now: string,
    leaseUntil: string,
    options: { pending?: string; set?: Partial<Job> } = {},
  ) {
    const e = new ExpressionBuilder();
    const status = e.name('status');
    const condition =
      `${e.name('version')} = ${e.value(version)} AND (${status} = ${e.value(options.pending ?? 'pending')} OR ` +
      `(${status} = ${e.value(running)} AND ${e.name('lease_until')} < ${e.value(now)}))`;
    const set = [
      ...setClauses(
        {
          ...options.set,
          status: running,
          lease_until: leaseUntil,
          next_attempt_at: leaseUntil,
          updated_at: now,
        },
        e,
      ),
      `${e.name('attempts')} = ${e.name('attempts')} + ${e.value(1)}`,
    ];
    return this.update(id, set, [], condition, e, 'claim');
  }

  /** Sets `changes` (and updated_at) and drops the lease, when the version is still `expectedVersion`. */
  settle(
    id: string,
    changes: Partial<Job>,
    expectedVersion: number,
    now: string,
    operation = String(changes.status),
  ): Promise<Job | undefined> {
    const e = new ExpressionBuilder();
    const set = setClauses({ ...changes, updated_at: now }, e);
    const condition = `${e.name('version')} = ${e.value(expectedVersion)}`;
    return this.update(id, set, ['lease_until'], condition, e, operation);
  }

  /** Pending jobs due by `now`, and `running` jobs whose lease ran out, oldest first. */
  async listDue(running: string, now: string, limit: number, pending = 'pending'): Promise<Job[]> {
    // A running job's next_attempt_at is its lease end.
    const [due, stale] = await Promise.all([
      this.listIn(pending, now, limit),
      this.listIn(running, now, limit),
    ]);
    return [...due, ...stale]
      .sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at))
      .slice(0, limit);
  }

  /** Jobs in `status` whose next_attempt_at is at or before `until`, soonest first. */
  async listIn(status: string, until: string, limit: number): Promise<Job[]> {
    const { doc, table, index, name } = this.options;
    const e = new ExpressionBuilder();
    const result = await guard(`${name}.listDue`, () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: index,
          KeyConditionExpression: `${e.name('status')} = ${e.value(status)} AND ${e.name('next_attempt_at')} <= ${e.value(until)}`,
          ...e.attributes(),
          Limit: limit,
        }),
      ),
    );
    return (result.Items ?? []) as Job[];
  }

  /** Applies SET/REMOVE clauses plus a version bump under `condition`; undefined when it failed. */
  private async update(
    id: string,
    set: string[],
    remove: string[],
    condition: string,
    e: ExpressionBuilder,
    operation: string,
  ): Promise<Job | undefined> {
    const { doc, table, key, name } = this.options;
    const version = e.name('version');
    const clauses = [...set, `${version} = ${version} + ${e.value(1)}`];
    const removal = remove.length > 0 ? ` REMOVE ${remove.map((n) => e.name(n)).join(', ')}` : '';
    try {
      const result = await guard(`${name}.${operation}`, () =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { [key]: id },
            UpdateExpression: `SET ${clauses.join(', ')}${removal}`,
            ConditionExpression: `attribute_exists(${e.name(key)}) AND ${condition}`,
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result.Attributes as Job;
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause ?? error)) return undefined;
      throw error;
    }
  }
}
