// A DynamoDB error answer as the error the AWS SDK would throw for it (name, message, $fault,
// $metadata), so errors.ts maps both clients' failures alike and isConditionalFailure still holds.

/** An error DynamoDB answered with (or the wire client's own timeout). */
export class DynamoServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; attempts?: number; clockSkewCorrected?: boolean };

  constructor(name: string, message: string, status: number | undefined) {
    super(message);
    this.name = name;
    this.$fault = status !== undefined && status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status };
  }
}

// "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", or in the x-amzn-errortype header
// "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/".
function shortName(type: string): string {
  const withoutNamespace = type.slice(type.lastIndexOf('#') + 1);
  const colon = withoutNamespace.indexOf(':');
  return colon === -1 ? withoutNamespace : withoutNamespace.slice(0, colon);
}

function statusName(status: number): string {
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalServerError';
  return 'UnknownError';
}

/** The error for a non-200 answer: the name from the body's __type or the error-type header. */
export function responseError(status: number, header: string | undefined, body: string): DynamoServiceError {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object') parsed = value as typeof parsed;
  } catch {
    // A proxy's or load balancer's HTML page: the status decides.
  }
  const type = typeof parsed.__type === 'string' ? parsed.__type : header;
  const name = type ? shortName(type) : statusName(status);
  const message = parsed.message ?? parsed.Message;
  return new DynamoServiceError(
    name || statusName(status),
    typeof message === 'string' ? message : name,
    status,
  );
}
