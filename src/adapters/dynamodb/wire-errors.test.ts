import { describe, expect, it } from 'vitest';
import { isConditionalFailure } from './errors.js';
import { responseError } from './wire-errors.js';

describe('responseError', () => {
  it('names the error after the body’s __type, as the SDK does', () => {
    const error = responseError(
      400,
      undefined,
      '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}',
    );
    expect(error).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isConditionalFailure(error)).toBe(true);
  });

  it('falls back on the x-amzn-errortype header, then on the status', () => {
    expect(
      responseError(
        400,
        'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/',
        '',
      ),
    ).toMatchObject({ name: 'ThrottlingException' });
    expect(responseError(503, undefined, '<html>busy</html>')).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
    });
    expect(responseError(502, undefined, '')).toMatchObject({
      name: 'InternalServerError',
      $fault: 'server',
    });
    expect(responseError(400, undefined, '{"Message":"bad"}')).toMatchObject({
      name: 'UnknownError',
      message: 'bad',
    });
  });
});
