import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// A health check answers quickly or reports the store down; load balancers time out at a few seconds.
const HEALTH_TIMEOUT_MS = 1_000;

/**
 * Whether DynamoDB answers a read of `table` in time. A GetItem of a key that never exists: the
 * least-privilege runtime policy (docs/DEPLOY.md) allows it, and it costs half a read unit.
 */
export async function tableAnswers(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Record<string, string>,
  /** Hears why the store did not answer (the health answer itself only says down). */
  onError?: (error: unknown) => void,
  timeoutMs = HEALTH_TIMEOUT_MS,
): Promise<boolean> {
  try {
    await doc.send(new GetCommand({ TableName: table, Key: key }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return true;
  } catch (error) {
    onError?.(error);
    return false;
  }
}
