import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guard } from './errors.js';
import { ExpressionBuilder } from './expressions.js';

// Items one COUNT query reads at most; with `max` this bounds the requests of one count.
const PAGE_ITEMS = 1_000;

/**
 * How many items hold each of `statuses`, counted on a status index (SELECT COUNT reads keys, never
 * returns items), up to `max` per status: a larger backlog reads as `max`.
 */
export async function countByStatus(
  doc: DynamoDBDocumentClient,
  options: { table: string; index: string; statuses: readonly string[]; max: number },
): Promise<Record<string, number>> {
  const counts = await Promise.all(
    options.statuses.map(async (status) => {
      let count = 0;
      let key: Record<string, unknown> | undefined;
      do {
        const e = new ExpressionBuilder();
        const result = await guard('status.count', () =>
          doc.send(
            new QueryCommand({
              TableName: options.table,
              IndexName: options.index,
              KeyConditionExpression: `${e.name('status')} = ${e.value(status)}`,
              ...e.attributes(),
              Select: 'COUNT',
              Limit: Math.min(PAGE_ITEMS, options.max - count),
              ...(key ? { ExclusiveStartKey: key } : {}),
            }),
          ),
        );
        count += result.Count ?? 0;
        key = result.LastEvaluatedKey;
      } while (key && count < options.max);
      return [status, Math.min(count, options.max)] as const;
    }),
  );
  return Object.fromEntries(counts);
}
