import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { amzDate, WireSigner, type SigningCredentials, type WireRequest } from './wire-signer.js';

// The SDK client's own hash, as its signer is built.
const sha256 = new DynamoDBClient({ region: 'local' }).config.sha256;

/** What @smithy/signature-v4 (the SDK's signer) makes of the same request. */
async function sdkHeaders(
  region: string,
  request: WireRequest,
  credentials: SigningCredentials,
  date: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: 'dynamodb', sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: request.host,
      path: '/',
      query: {},
      headers: {
        host: request.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': request.target,
      },
      body: request.body,
    },
    { signingDate: date },
  );
  return signed.headers;
}

const KEYS: SigningCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const PUT: WireRequest = {
  host: 'dynamodb.eu-west-1.amazonaws.com',
  target: 'DynamoDB_20120810.PutItem',
  body: JSON.stringify({
    TableName: 'Turns',
    Item: { call_sid: { S: 'CA1' }, seq: { N: '3' }, caller_text: { S: 'Ça va? 東京 👋' } },
  }),
};

describe('WireSigner', () => {
  it('signs a request exactly as the SDK signer does, header for header', async () => {
    const date = new Date('2026-12-07T16:25:29.871Z');
    const signer = new WireSigner('eu-west-1', 'dynamodb');
    expect(signer.sign(PUT, KEYS, date)).toEqual(await sdkHeaders('eu-west-1', PUT, KEYS, date));
  });

  it('signs the session token of temporary credentials', async () => {
    const date = new Date('2026-12-07T16:25:29Z');
    const temporary = { ...KEYS, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDOdXNLHZ+example/token==' };
    const headers = new WireSigner('eu-west-1', 'dynamodb').sign(PUT, temporary, date);
    expect(headers['x-amz-security-token']).toBe(temporary.sessionToken);
    expect(headers).toEqual(await sdkHeaders('eu-west-1', PUT, temporary, date));
  });

  it('derives a new key for a new day and for new credentials, and keeps matching the SDK', async () => {
    const signer = new WireSigner('local', 'dynamodb');
    const local = { ...PUT, host: '127.0.0.1:8000', target: 'DynamoDB_20120810.GetItem', body: '{}' };
    const cases: [SigningCredentials, Date][] = [
      [KEYS, new Date('2026-12-07T23:59:59Z')],
      [KEYS, new Date('2026-12-08T00:00:00Z')],
      [{ accessKeyId: 'local', secretAccessKey: 'local' }, new Date('2026-12-08T00:00:01Z')],
      [KEYS, new Date('2026-12-08T00:00:02Z')],
    ];
    for (const [credentials, date] of cases) {
      expect(signer.sign(local, credentials, date)).toEqual(
        await sdkHeaders('local', local, credentials, date),
      );
    }
  });

  it('writes the date in ISO 8601 basic format, whole seconds, UTC', () => {
    expect(amzDate(new Date('2027-01-02T03:04:05.999Z'))).toBe('20270102T030405Z');
  });
});
