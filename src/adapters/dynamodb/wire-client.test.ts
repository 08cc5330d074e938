import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/fakes/closed-port.js';
import { toStoreError } from './errors.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';
import type { TableNames } from './tables.js';
import { DynamoWireClient, type WireClientSettings } from './wire-client.js';

/**
 * A real HTTP proxy in front of dynalite that answers some requests itself, as DynamoDB would under
 * throttling or a fault (its wire format), and records what every request carried.
 */
interface Received {
  target: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = (received: Received, res: ServerResponse) => boolean;

let dynamo: TestDynamo;
let tables: TableNames;
let proxyUrl: string;
let closeProxy: () => Promise<void>;
const received: Received[] = [];
const answers: Answer[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  const upstream = new URL(dynamo.server.endpoint);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record = { target: String(req.headers['x-amz-target']), headers: req.headers, body };
      received.push(record);
      const answer = answers.shift();
      if (answer?.(record, res)) return;
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: req.headers },
        (answerFromDynamo) => {
          res.writeHead(answerFromDynamo.statusCode ?? 500, answerFromDynamo.headers);
          answerFromDynamo.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeProxy = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterEach(() => {
  received.length = 0;
  answers.length = 0;
});
afterAll(async () => {
  await closeProxy();
  await dynamo.close();
});

const errorAnswer =
  (status: number, body: string, headers: Record<string, string> = {}): Answer =>
  (_received, res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers }).end(body);
    return true;
  };
const throttled = errorAnswer(
  400,
  JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
);

function sdkClient(credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) {
  return new DynamoDBClient({ region: 'local', endpoint: proxyUrl, credentials });
}

function wireClient(settings: Partial<WireClientSettings> = {}, sdk = sdkClient()) {
  const delays: number[] = [];
  const wire = new DynamoWireClient(sdk, {
    endpoint: proxyUrl,
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    maxSockets: 8,
    random: () => 1,
    sleep: async (ms) => void delays.push(ms),
    ...settings,
  });
  return { wire, delays, sdk };
}

const put = (seq: number, condition = false) => ({
  TableName: tables.turns,
  Item: { call_sid: { S: 'CAwire' }, seq: { N: String(seq) }, agent_text: { S: 'Hello.' } },
  ...(condition
    ? {
        ConditionExpression: 'attribute_not_exists(#c)',
        ExpressionAttributeNames: { '#c': 'call_sid' },
      }
    : {}),
});

describe('DynamoWireClient', () => {
  it('sends what it signed: the signature checks against the request as received', async () => {
    const { wire } = wireClient();
    await wire.send('PutItem', put(1));
    const [request] = received;
    expect(request!.target).toBe('DynamoDB_20120810.PutItem');
    const authorization = String(request!.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/local\/dynamodb\/aws4_request, SignedHeaders=[^,]*host;[^,]*x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    const amzDate = String(request!.headers['x-amz-date']);
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      region: 'local',
      service: 'dynamodb',
      sha256: sdkClient().config.sha256,
    });
    const resigned = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: String(request!.headers.host),
        path: '/',
        query: {},
        headers: Object.fromEntries(signedNames.map((name) => [name, String(request!.headers[name])])),
        body: request!.body,
      },
      {
        signingDate: new Date(
          `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
        ),
      },
    );
    expect(resigned.headers.authorization).toBe(authorization);
    await wire.close();
  });

  it('retries throttling with full-jitter backoff from 500 ms and succeeds within three attempts', async () => {
    const { wire, delays } = wireClient();
    answers.push(throttled, throttled);
    await wire.send('PutItem', put(2));
    expect(received.map((r) => r.target)).toEqual(Array(3).fill('DynamoDB_20120810.PutItem'));
    // random() = 1: the ceiling of each draw, 500 × 2^retries.
    expect(delays).toEqual([500, 1_000]);
    const stored = await wire.send('GetItem', {
      TableName: tables.turns,
      Key: { call_sid: { S: 'CAwire' }, seq: { N: '2' } },
    });
    expect(stored.Item).toMatchObject({ agent_text: { S: 'Hello.' } });
    await wire.close();
  });

  it('gives up after three throttled attempts with an error the store maps to unavailable', async () => {
    const { wire, delays } = wireClient();
    answers.push(throttled, throttled, throttled);
    const error = await wire.send('PutItem', put(3)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    expect(delays).toHaveLength(2);
    expect(toStoreError(error, 'turns.put')).toMatchObject({ code: 'unavailable', retryable: true });
    await wire.close();
  });

  it('retries a 500 and a 503 page from 100 ms; a conditional failure and a validation error at once', async () => {
    const { wire, delays } = wireClient();
    answers.push(
      errorAnswer(500, JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' })),
      errorAnswer(503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' }),
    );
    await wire.send('PutItem', put(4));
    expect(delays).toEqual([100, 200]);

    delays.length = 0;
    const conditional = await wire.send('PutItem', put(4, true)).catch((e: unknown) => e);
    expect(conditional).toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client' });
    const invalid = await wire
      .send('PutItem', { TableName: tables.turns, Item: {} })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: 'ValidationException' });
    expect(toStoreError(invalid, 'turns.put')).toMatchObject({ code: 'internal', retryable: false });
    expect(delays).toEqual([]);
    await wire.close();
  });

  it('corrects its clock from the answer to a request signed with a skewed one, and retries at once', async () => {
    const { wire, delays } = wireClient();
    const ahead = new Date(Date.now() + 3_600_000);
    answers.push(
      errorAnswer(
        400,
        JSON.stringify({
          __type: 'com.amazon.coral.service#InvalidSignatureException',
          message: 'Signature expired',
        }),
        { date: ahead.toUTCString() },
      ),
    );
    await wire.send('PutItem', put(5));
    expect(delays).toEqual([]);
    const [first, second] = received.map((r) => String(r.headers['x-amz-date']));
    const toTime = (d: string) =>
      Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 11)}:${d.slice(11, 13)}:${d.slice(13)}`);
    expect(toTime(second!) - toTime(first!)).toBeGreaterThan(3_500_000);
    await wire.close();
  });

  it('signs with the credentials its provider hands out now, session token included', async () => {
    let handedOut = 0;
    const sdk = new DynamoDBClient({
      region: 'local',
      endpoint: proxyUrl,
      credentials: async () => {
        handedOut += 1;
        return {
          accessKeyId: `key${handedOut}`,
          secretAccessKey: 'secret',
          sessionToken: `token${handedOut}`,
        };
      },
    });
    const { wire } = wireClient({}, sdk);
    await wire.send('PutItem', put(6));
    await wire.send('PutItem', put(7));
    const credentialsSeen = received.map(
      (r) => /Credential=([^/]+)/.exec(String(r.headers.authorization))![1],
    );
    expect(new Set(credentialsSeen).size).toBe(handedOut);
    expect(received[0]!.headers['x-amz-security-token']).toBe('token1');
    await wire.close();
  });

  it('retries a refused connection, then fails with its network code (mapped unavailable)', async () => {
    const port = await closedPort();
    const { wire, delays } = wireClient({ endpoint: `http://127.0.0.1:${port}` });
    const error = await wire.send('GetItem', put(8)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(delays).toEqual([100, 200]);
    expect(toStoreError(error, 'calls.get')).toMatchObject({ code: 'unavailable', retryable: true });
    await wire.close();
  });

  it('times out a server that never answers, retried, then unavailable', async () => {
    const { wire, delays } = wireClient({ requestTimeoutMs: 100 });
    const hang: Answer = () => true;
    answers.push(hang, hang, hang);
    const error = await wire.send('GetItem', put(9)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(received).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(toStoreError(error, 'calls.get')).toMatchObject({ code: 'unavailable', retryable: true });
    await wire.close();
  });

  it('fails an attempt with what its hook throws, inside the retry loop, until the hook is removed', async () => {
    const { wire } = wireClient();
    const seen: string[] = [];
    const remove = wire.addAttemptHook((command) => {
      seen.push(command);
      if (seen.length === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    });
    await wire.send('UpdateItem', {
      TableName: tables.turns,
      Key: { call_sid: { S: 'CAwire' }, seq: { N: '1' } },
      UpdateExpression: 'SET #t = :t',
      ExpressionAttributeNames: { '#t': 'agent_text' },
      ExpressionAttributeValues: { ':t': { S: 'Changed.' } },
    });
    expect(seen).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    remove();
    await wire.send('GetItem', {
      TableName: tables.turns,
      Key: { call_sid: { S: 'CAwire' }, seq: { N: '1' } },
    });
    expect(seen).toHaveLength(2);
    await wire.close();
  });
});
