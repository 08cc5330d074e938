import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallQuery } from '../../ports/call-store.js';
import type { Page } from '../../ports/page.js';
import { clampLimit, decodeCursor, encodeCursor } from './cursor.js';
import { guard } from './errors.js';
import { ExpressionBuilder } from './expressions.js';
import { MONTHS_LISTED, monthOf, monthsBefore } from './months.js';
import { INDEXES, STARTED_MONTH_ATTRIBUTE } from './tables.js';

type Item = Record<string, unknown>;

// A filtered page may need several queries (Limit counts items before the filter) and listing all
// calls walks back month by month; this bounds the round trips of one page. A short page still
// carries a cursor, so nothing is skipped.
const MAX_QUERIES_PER_PAGE = 30;

interface Plan {
  index: string;
  partitionAttribute: string;
  partitionValue: string;
  filters: Record<string, string | undefined>;
  /** MonthIndex: the partition value is a month and the walk moves to older months. */
  byMonth: boolean;
}

function plan(query: CallQuery, startMonth: string): Plan {
  if (query.recipient_phone) {
    return {
      index: INDEXES.callsByRecipient,
      partitionAttribute: 'recipient_phone',
      partitionValue: query.recipient_phone,
      filters: { agent_id: query.agent_id, status: query.status },
      byMonth: false,
    };
  }
  if (query.agent_id) {
    return {
      index: INDEXES.callsByAgentStarted,
      partitionAttribute: 'agent_id',
      partitionValue: query.agent_id,
      filters: { status: query.status },
      byMonth: false,
    };
  }
  if (query.status) {
    return {
      index: INDEXES.callsByStatus,
      partitionAttribute: 'status',
      partitionValue: query.status,
      filters: {},
      byMonth: false,
    };
  }
  return {
    index: INDEXES.callsByMonth,
    partitionAttribute: STARTED_MONTH_ATTRIBUTE,
    partitionValue: startMonth,
    filters: {},
    byMonth: true,
  };
}

function filterExpression(filters: Plan['filters'], expression: ExpressionBuilder): string | undefined {
  const parts = Object.entries(filters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([attribute, value]) => `${expression.name(attribute)} = ${expression.value(value)}`);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/**
 * The started_at range as a key condition: every index the list reads sorts by started_at, so a
 * date range reads only the calls inside it, however old they are.
 */
function startedCondition(query: CallQuery, expression: ExpressionBuilder): string | undefined {
  const { started_from: from, started_to: to } = query;
  const attribute = () => expression.name('started_at');
  if (from && to) return `${attribute()} BETWEEN ${expression.value(from)} AND ${expression.value(to)}`;
  if (from) return `${attribute()} >= ${expression.value(from)}`;
  if (to) return `${attribute()} <= ${expression.value(to)}`;
  return undefined;
}

/** One page of calls, newest first, through the index that fits the query. */
export async function listCallItems(
  doc: DynamoDBDocumentClient,
  table: string,
  cursorSecret: string | Uint8Array,
  query: CallQuery,
  now: Date,
): Promise<Page<Item>> {
  const limit = clampLimit(query.limit);
  const { started_from: from, started_to: to } = query;
  // DynamoDB refuses BETWEEN with its bounds reversed; such a range holds no call.
  if (from && to && from > to) return { items: [] };
  const currentMonth = monthOf(now.toISOString());
  // The month walk starts at the range's last month and, when the range has a start, stops at its
  // month rather than after the usual two years.
  const startMonth = to && monthOf(to) < currentMonth ? monthOf(to) : currentMonth;
  const oldestMonth = from ? monthOf(from) : monthsBefore(startMonth, MONTHS_LISTED - 1);
  const p = plan(query, startMonth);
  // A cursor belongs to its query; the range is part of it only when given, so a cursor issued
  // without one stays valid.
  const range = from || to ? [from ?? null, to ?? null] : [];
  const scope = JSON.stringify([
    'calls',
    p.index,
    query.recipient_phone,
    query.agent_id,
    query.status,
    ...range,
  ]);
  const cursor = query.cursor ? decodeCursor(cursorSecret, scope, query.cursor) : {};
  let key = typeof cursor.k === 'object' && cursor.k !== null ? (cursor.k as Item) : undefined;
  let partition = p.byMonth && typeof cursor.m === 'string' ? cursor.m : p.partitionValue;

  const items: Item[] = [];
  let done = false;
  for (let queries = 0; items.length < limit && queries < MAX_QUERIES_PER_PAGE; queries++) {
    const expression = new ExpressionBuilder();
    const started = startedCondition(query, expression);
    const keyCondition = `${expression.name(p.partitionAttribute)} = ${expression.value(partition)}${
      started ? ` AND ${started}` : ''
    }`;
    const filter = filterExpression(p.filters, expression);
    const result = await guard('calls.list', () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: p.index,
          KeyConditionExpression: keyCondition,
          ...(filter ? { FilterExpression: filter } : {}),
          ...expression.attributes(),
          ScanIndexForward: false,
          // Limit counts items read before the filter, so the continuation key stays exact.
          Limit: limit - items.length,
          ...(key ? { ExclusiveStartKey: key } : {}),
        }),
      ),
    );
    items.push(...((result.Items ?? []) as Item[]));
    key = result.LastEvaluatedKey;
    if (key) continue;
    if (p.byMonth && partition > oldestMonth) {
      partition = monthsBefore(partition, 1);
      continue;
    }
    done = true;
    break;
  }
  if (done) return { items };
  const payload = { ...(key ? { k: key } : {}), ...(p.byMonth ? { m: partition } : {}) };
  return { items, cursor: encodeCursor(cursorSecret, scope, payload) };
}
