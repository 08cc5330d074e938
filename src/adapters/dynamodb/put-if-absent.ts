import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder } from './expressions.js';

/** Conditional create: false when an item with the same `key` attribute already exists. */
export async function putIfAbsent(
  doc: DynamoDBDocumentClient,
  table: string,
  item: object,
  key: string,
  operation: string,
): Promise<boolean> {
  const e = new ExpressionBuilder();
  try {
    await guard(operation, () =>
      doc.send(
        new PutCommand({
          TableName: table,
          Item: item,
          ConditionExpression: `attribute_not_exists(${e.name(key)})`,
          ...e.attributes(),
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isConditionalFailure((error as { cause?: unknown }).cause ?? error)) return false;
    throw error;
  }
}
