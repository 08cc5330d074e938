import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  TERMINAL_STATUSES,
  isTerminal,
  type Call,
  type CollectedScalar,
  type PastCall,
  type ToolCallRecord,
  type Turn,
} from '../../domain/call.js';
import type { LateMoments } from '../../domain/late-moments.js';
import type { CallQuery, CallStore, StatusUpdate } from '../../ports/call-store.js';
import type { Page } from '../../ports/page.js';
import type { DynamoStoreOptions } from './agent-store.js';
import { listCallItems } from './call-list.js';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder, setClauses } from './expressions.js';
import { monthOf } from './months.js';
import { sdkItemRequests, type ItemRequests } from './lean-commands.js';
import { INDEXES, STARTED_MONTH_ATTRIBUTE } from './tables.js';
import { LATE_MOMENTS_ATTRIBUTE, turnItem, turnsFromItems } from './turn-items.js';

type Item = Record<string, unknown>;

export interface DynamoCallStoreOptions extends DynamoStoreOptions {
  callsTable: string;
  turnsTable: string;
  /** The current time, for the month walk of an unfiltered list. */
  now?: () => Date;
  /**
   * How a call's own requests (create, read and update the call, its status, its turns, its past
   * calls) are sent; default: the document client's own DynamoDB client. createDynamoClients' `wire`
   * is lighter. Listings for the admin API stay on the document client.
   */
  items?: ItemRequests;
}

// The attribute that held agent_phone before it was renamed; read, never written.
const LEGACY_AGENT_PHONE = 'caller_phone';

// Bounds pastCalls when a person has many unfinished calls (each page is filtered to finished ones).
const PAST_CALLS_MAX_QUERIES = 5;

function toCall(item: Item): Call {
  const { [STARTED_MONTH_ATTRIBUTE]: _month, [LEGACY_AGENT_PHONE]: legacy, ...call } = item;
  // Items stored before the rename hold our number as caller_phone (which read as the caller's).
  if (call.agent_phone === undefined && legacy !== undefined) call.agent_phone = legacy;
  return call as unknown as Call;
}

/** Calls (one item each) and their turns (one item per turn, keyed by call_sid and seq). */
export class DynamoCallStore implements CallStore {
  private readonly items: ItemRequests;

  constructor(private readonly options: DynamoCallStoreOptions) {
    // The document client shares its client's middleware stack and settings, so it sends the
    // client's own commands (lean-commands.ts: marshalled once) as that client would.
    this.items = options.items ?? sdkItemRequests(options.doc as unknown as DynamoDBClient);
  }

  async create(call: Call): Promise<boolean> {
    const { callsTable } = this.options;
    const expression = new ExpressionBuilder();
    return this.conditional('calls.create', () =>
      this.items.putItem({
        TableName: callsTable,
        Item: { ...call, [STARTED_MONTH_ATTRIBUTE]: monthOf(call.started_at) },
        ConditionExpression: `attribute_not_exists(${expression.name('call_sid')})`,
        ...expression.attributes(),
      }),
    );
  }

  async get(callSid: string): Promise<Call | undefined> {
    const { callsTable } = this.options;
    const item = await guard('calls.get', () =>
      this.items.getItem({ TableName: callsTable, Key: { call_sid: callSid }, ConsistentRead: true }),
    );
    return item ? toCall(item) : undefined;
  }

  async update(callSid: string, changes: Partial<Call>, expectedVersion: number): Promise<Call | undefined> {
    const { callsTable } = this.options;
    // The key cannot change, and the version only moves through the increment below.
    const { call_sid: _sid, version: _version, ...settable } = changes;
    const attributes: Item = { ...settable };
    if (settable.started_at) attributes[STARTED_MONTH_ATTRIBUTE] = monthOf(settable.started_at);
    const expression = new ExpressionBuilder();
    const version = expression.name('version');
    const clauses = [
      ...setClauses(attributes, expression),
      `${version} = ${version} + ${expression.value(1)}`,
    ];
    let updated: Item | undefined;
    const applied = await this.conditional('calls.update', async () => {
      updated = await this.items.updateItem({
        TableName: callsTable,
        Key: { call_sid: callSid },
        UpdateExpression: `SET ${clauses.join(', ')}`,
        ConditionExpression: `${version} = ${expression.value(expectedVersion)}`,
        ...expression.attributes(),
        ReturnValues: 'ALL_NEW',
      });
    });
    return applied && updated ? toCall(updated) : undefined;
  }

  async applyStatus(callSid: string, update: StatusUpdate): Promise<boolean> {
    const { callsTable } = this.options;
    const e = new ExpressionBuilder();
    const clauses = setClauses(
      {
        status: update.status,
        status_sequence: update.sequence,
        duration_seconds: update.duration_seconds,
        answered_by: update.answered_by,
        ended_at: isTerminal(update.status) ? update.at : undefined,
      },
      e,
    );
    if (update.status === 'in-progress') {
      const answeredAt = e.name('answered_at');
      clauses.push(`${answeredAt} = if_not_exists(${answeredAt}, ${e.value(update.at)})`);
    }
    const sequence = e.name('status_sequence');
    const status = e.name('status');
    // Status callbacks arrive out of order and twice: apply one only when it moves the call
    // forward, and never leave a terminal status (reliability.md 1.3). The version is not bumped:
    // status and conversation writes touch different attributes and must not fail each other.
    const condition = [
      `attribute_exists(${e.name('call_sid')})`,
      `(attribute_not_exists(${sequence}) OR ${sequence} < ${e.value(update.sequence)})`,
      `NOT (${status} IN (${TERMINAL_STATUSES.map((s) => e.value(s)).join(', ')}))`,
    ].join(' AND ');
    return this.conditional('calls.applyStatus', () =>
      this.items.updateItem({
        TableName: callsTable,
        Key: { call_sid: callSid },
        UpdateExpression: `SET ${clauses.join(', ')}`,
        ConditionExpression: condition,
        ...e.attributes(),
      }),
    );
  }

  async putTurn(turn: Turn, late?: readonly LateMoments[]): Promise<boolean> {
    const { turnsTable } = this.options;
    const expression = new ExpressionBuilder();
    return this.conditional('turns.put', () =>
      this.items.putItem({
        TableName: turnsTable,
        Item: turnItem(turn, late),
        ConditionExpression: `attribute_not_exists(${expression.name('call_sid')})`,
        ...expression.attributes(),
      }),
    );
  }

  async getTurn(callSid: string, seq: number): Promise<Turn | undefined> {
    const { turnsTable } = this.options;
    const item = await guard('turns.get', () =>
      this.items.getItem({ TableName: turnsTable, Key: { call_sid: callSid, seq }, ConsistentRead: true }),
    );
    return item ? turnsFromItems([item])[0] : undefined;
  }

  async listTurns(callSid: string, options: { last?: number } = {}): Promise<Turn[]> {
    const { turnsTable } = this.options;
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const expression = new ExpressionBuilder();
      const remaining = options.last === undefined ? undefined : options.last - items.length;
      const page = await guard('turns.list', () =>
        this.items.queryItems({
          TableName: turnsTable,
          KeyConditionExpression: `${expression.name('call_sid')} = ${expression.value(callSid)}`,
          ...expression.attributes(),
          ConsistentRead: true,
          // The last N turns: read newest first, then put back in order.
          ...(remaining !== undefined ? { ScanIndexForward: false, Limit: remaining } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...page.items);
      start = page.lastEvaluatedKey;
    } while (start && (options.last === undefined || items.length < options.last));
    return turnsFromItems(options.last === undefined ? items : items.reverse());
  }

  async keepLateMoments(callSid: string, carrierSeq: number, late: readonly LateMoments[]): Promise<void> {
    if (late.length === 0) return;
    const { turnsTable } = this.options;
    const e = new ExpressionBuilder();
    const attribute = e.name(LATE_MOMENTS_ATTRIBUTE);
    await this.conditional('turns.keepLateMoments', () =>
      this.items.updateItem({
        TableName: turnsTable,
        Key: { call_sid: callSid, seq: carrierSeq },
        UpdateExpression: `SET ${attribute} = list_append(if_not_exists(${attribute}, ${e.value([])}), ${e.value(late)})`,
        ConditionExpression: `attribute_exists(${e.name('call_sid')})`,
        ...e.attributes(),
      }),
    );
  }

  async markTurnInterrupted(callSid: string, seq: number, heardText: string): Promise<void> {
    await this.setTurnFields('turns.markInterrupted', callSid, seq, {
      agent_text: heardText,
      interrupted: true,
    });
  }

  async setTurnToolCalls(callSid: string, seq: number, toolCalls: ToolCallRecord[]): Promise<void> {
    await this.setTurnFields('turns.setToolCalls', callSid, seq, { tool_calls: toolCalls });
  }

  private async setTurnFields(
    operation: string,
    callSid: string,
    seq: number,
    fields: Partial<Turn>,
  ): Promise<void> {
    const { turnsTable } = this.options;
    const e = new ExpressionBuilder();
    const clauses = setClauses(fields, e);
    // Conditional on the item existing: an UpdateItem would otherwise create a turn with only these fields.
    await this.conditional(operation, () =>
      this.items.updateItem({
        TableName: turnsTable,
        Key: { call_sid: callSid, seq },
        UpdateExpression: `SET ${clauses.join(', ')}`,
        ConditionExpression: `attribute_exists(${e.name('call_sid')})`,
        ...e.attributes(),
      }),
    );
  }

  async list(query: CallQuery): Promise<Page<Call>> {
    const { doc, callsTable, cursorSecret } = this.options;
    const now = this.options.now?.() ?? new Date();
    const page = await listCallItems(doc, callsTable, cursorSecret, query, now);
    return { items: page.items.map(toCall), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  async pastCalls(agentId: string, recipientPhone: string, limit: number): Promise<PastCall[]> {
    const { callsTable } = this.options;
    const wanted = Math.max(0, Math.trunc(limit));
    const found: PastCall[] = [];
    let start: Item | undefined;
    for (let queries = 0; found.length < wanted && queries < PAST_CALLS_MAX_QUERIES; queries++) {
      const e = new ExpressionBuilder();
      const page = await guard('calls.pastCalls', () =>
        this.items.queryItems({
          TableName: callsTable,
          IndexName: INDEXES.callsByAgentRecipient,
          KeyConditionExpression: `${e.name('agent_id')} = ${e.value(agentId)} AND begins_with(${e.name('agent_recipient_key')}, ${e.value(`${recipientPhone}#`)})`,
          FilterExpression: `${e.name('status')} IN (${TERMINAL_STATUSES.map((s) => e.value(s)).join(', ')})`,
          ...e.attributes(),
          ScanIndexForward: false,
          Limit: Math.max(wanted * 2, 10),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      found.push(...(page.items as unknown as Call[]).map(toPastCall));
      start = page.lastEvaluatedKey;
      if (!start) break;
    }
    return found.slice(0, wanted);
  }

  /** Runs a conditional write: true when applied, false when its condition failed. */
  private async conditional(operation: string, run: () => Promise<unknown>): Promise<boolean> {
    return guard(operation, async () => {
      try {
        await run();
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    });
  }
}

function toPastCall(call: Call): PastCall {
  const data: Record<string, CollectedScalar> = {};
  for (const [name, collected] of Object.entries(call.data_collected ?? {})) data[name] = collected.value;
  return {
    call_sid: call.call_sid,
    started_at: call.started_at,
    direction: call.direction,
    ...(call.memory ? { identity: call.memory.identity } : {}),
    ...(call.summary !== undefined ? { summary: call.summary } : {}),
    ...(call.outcome !== undefined ? { outcome: call.outcome } : {}),
    data_collected: data,
  };
}
