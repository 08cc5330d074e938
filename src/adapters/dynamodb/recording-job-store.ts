import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  NewRecordingJob,
  RecordingJob,
  RecordingJobStatus,
  RecordingJobStore,
} from '../../ports/recording-job-store.js';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder, setClauses } from './expressions.js';
import { INDEXES } from './tables.js';

/**
 * Recording copy jobs keyed by recording_sid. Every transition is a single-item conditional update
 * on `version` (dynalite has no transactions), so two instances never run the same attempt.
 * StatusIndex (status, next_attempt_at) finds due jobs without a scan.
 */
export class DynamoRecordingJobStore implements RecordingJobStore {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; table: string }) {}

  async enqueue(job: NewRecordingJob, now: string): Promise<boolean> {
    const { doc, table } = this.options;
    const item: RecordingJob = {
      ...job,
      status: job.status ?? 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const expression = new ExpressionBuilder();
    try {
      await guard('recordings.enqueue', () =>
        doc.send(
          new PutCommand({
            TableName: table,
            Item: item,
            ConditionExpression: `attribute_not_exists(${expression.name('recording_sid')})`,
            ...expression.attributes(),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause ?? error)) return false;
      throw error;
    }
  }

  async get(recordingSid: string): Promise<RecordingJob | undefined> {
    const { doc, table } = this.options;
    const result = await guard('recordings.get', () =>
      doc.send(
        new GetCommand({ TableName: table, Key: { recording_sid: recordingSid }, ConsistentRead: true }),
      ),
    );
    return result.Item as RecordingJob | undefined;
  }

  async claim(job: RecordingJob, now: string, leaseUntil: string): Promise<RecordingJob | undefined> {
    const e = new ExpressionBuilder();
    const status = e.name('status');
    const lease = e.name('lease_until');
    const condition =
      `${e.name('version')} = ${e.value(job.version)} AND (${status} = ${e.value('pending')} OR ` +
      `(${status} = ${e.value('copying')} AND ${lease} < ${e.value(now)}))`;
    const set = [
      ...setClauses(
        { status: 'copying', lease_until: leaseUntil, next_attempt_at: leaseUntil, updated_at: now },
        e,
      ),
      `${e.name('attempts')} = ${e.name('attempts')} + ${e.value(1)}`,
    ];
    return this.update(job.recording_sid, set, [], condition, e, 'recordings.claim');
  }

  markCopied(
    recordingSid: string,
    result: { s3_key: string; size_bytes: number },
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined> {
    return this.finish(recordingSid, 'copied', { ...result }, expectedVersion, now);
  }

  markFailed(recordingSid: string, error: string, expectedVersion: number, now: string) {
    return this.finish(recordingSid, 'failed', { last_error: error }, expectedVersion, now);
  }

  markAbsent(recordingSid: string, error: string, expectedVersion: number, now: string) {
    return this.finish(recordingSid, 'absent', { last_error: error }, expectedVersion, now);
  }

  reschedule(
    recordingSid: string,
    nextAttemptAt: string,
    lastError: string,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined> {
    const e = new ExpressionBuilder();
    const set = setClauses(
      { status: 'pending', next_attempt_at: nextAttemptAt, last_error: lastError, updated_at: now },
      e,
    );
    return this.update(
      recordingSid,
      set,
      ['lease_until'],
      this.versionIs(e, expectedVersion),
      e,
      'recordings.reschedule',
    );
  }

  async listDue(now: string, limit: number): Promise<RecordingJob[]> {
    // Pending jobs that are due, and copying jobs whose lease ran out (next_attempt_at = lease end).
    const [pending, stale] = await Promise.all([
      this.due('pending', now, limit),
      this.due('copying', now, limit),
    ]);
    return [...pending, ...stale]
      .sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at))
      .slice(0, limit);
  }

  private async due(status: RecordingJobStatus, now: string, limit: number): Promise<RecordingJob[]> {
    const { doc, table } = this.options;
    const e = new ExpressionBuilder();
    const result = await guard('recordings.listDue', () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEXES.recordingsByStatus,
          KeyConditionExpression: `${e.name('status')} = ${e.value(status)} AND ${e.name('next_attempt_at')} <= ${e.value(now)}`,
          ...e.attributes(),
          Limit: limit,
        }),
      ),
    );
    return (result.Items ?? []) as RecordingJob[];
  }

  private finish(
    recordingSid: string,
    status: 'copied' | 'failed' | 'absent',
    changes: Partial<RecordingJob>,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined> {
    const e = new ExpressionBuilder();
    const set = setClauses({ ...changes, status, updated_at: now }, e);
    return this.update(
      recordingSid,
      set,
      ['lease_until'],
      this.versionIs(e, expectedVersion),
      e,
      `recordings.${status}`,
    );
  }

  private versionIs(e: ExpressionBuilder, expectedVersion: number): string {
    return `${e.name('version')} = ${e.value(expectedVersion)}`;
  }

  /** Applies SET/REMOVE clauses plus a version bump under `condition`; undefined when it failed. */
  private async update(
    recordingSid: string,
    set: string[],
    remove: string[],
    condition: string,
    e: ExpressionBuilder,
    operation: string,
  ): Promise<RecordingJob | undefined> {
    const { doc, table } = this.options;
    const version = e.name('version');
    const clauses = [...set, `${version} = ${version} + ${e.value(1)}`];
    const removal = remove.length > 0 ? ` REMOVE ${remove.map((name) => e.name(name)).join(', ')}` : '';
    try {
      const result = await guard(operation, () =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { recording_sid: recordingSid },
            UpdateExpression: `SET ${clauses.join(', ')}${removal}`,
            ConditionExpression: `attribute_exists(${e.name('recording_sid')}) AND ${condition}`,
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result.Attributes as RecordingJob;
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause ?? error)) return undefined;
      throw error;
    }
  }
}
