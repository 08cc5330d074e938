// Tool secrets from AWS Secrets Manager, against a local server speaking its JSON protocol
// (GetSecretValue): named by prefix, kept for the TTL, a missing secret remembered as missing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSecrets, firstOf } from './env-secrets.js';
import { SecretsManagerSecrets } from './secrets-manager-secrets.js';

describe('SecretsManagerSecrets', () => {
  let server: Server;
  let endpoint: string;
  const asked: { target: string; id: string }[] = [];
  const values: Record<string, string> = { 'voice-agent/tools/ORDERS_API_TOKEN': 'from-secrets-manager' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        asked.push({ target: String(req.headers['x-amz-target']), id: SecretId });
        const value = values[SecretId];
        res.writeHead(value ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify(
            value
              ? {
                  ARN: `arn:aws:secretsmanager:us-east-1:1:secret:${SecretId}`,
                  Name: SecretId,
                  SecretString: value,
                }
              : {
                  __type: 'ResourceNotFoundException',
                  message: "Secrets Manager can't find the specified secret.",
                },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const source = (now: () => number) =>
    new SecretsManagerSecrets({
      prefix: 'voice-agent/tools/',
      ttlMs: 60_000,
      now,
      client: new SecretsManagerClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
    });

  it('reads PREFIX+NAME once per TTL, and remembers a missing one', async () => {
    let clock = 0;
    const secrets = source(() => clock);
    expect(await secrets.get('ORDERS_API_TOKEN')).toBe('from-secrets-manager');
    expect(await secrets.get('ORDERS_API_TOKEN')).toBe('from-secrets-manager');
    expect(await secrets.get('MISSING')).toBeUndefined();
    expect(await secrets.get('MISSING')).toBeUndefined();
    expect(asked).toEqual([
      { target: 'secretsmanager.GetSecretValue', id: 'voice-agent/tools/ORDERS_API_TOKEN' },
      { target: 'secretsmanager.GetSecretValue', id: 'voice-agent/tools/MISSING' },
    ]);
    clock = 60_001;
    values['voice-agent/tools/ORDERS_API_TOKEN'] = 'rotated';
    expect(await secrets.get('ORDERS_API_TOKEN')).toBe('rotated');
    secrets.close();
  });

  it('comes after the environment: TOOL_SECRET_<NAME> wins', async () => {
    const secrets = source(() => 0);
    const both = firstOf(new EnvSecrets({ ORDERS_API_TOKEN: 'from-env' }), secrets);
    expect(await both.get('ORDERS_API_TOKEN')).toBe('from-env');
    expect(await both.get('NOWHERE')).toBeUndefined();
    secrets.close();
  });
});
