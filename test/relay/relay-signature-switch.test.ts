// TWILIO_VALIDATE_SIGNATURES=false (local tunnels, tests) lets a handshake without Twilio's signature
// through, as for the webhooks; with it on, the same handshake is refused. Either way the socket URL
// must carry our own token for a call: that part is ours, not Twilio's, and survives any tunnel.
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { relaySocketKey, relaySocketPath } from '../../src/transports/relay/relay-socket-grant.js';
import { twilioRelayRoutes } from '../../src/transports/relay/relay-routes.js';
import { createCallEngine } from '../../src/engine/call-engine.js';
import type { CallStore } from '../../src/ports/call-store.js';
import { connectRelay, RelayHandshakeError } from '../../src/simulator/relay-client.js';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const socketKey = relaySocketKey('switch-test-secret');

async function serve(validate: boolean): Promise<string> {
  const app = Fastify();
  apps.push(app);
  await app.register(websocket);
  const unused = () => Promise.reject(new Error('not used'));
  await app.register(twilioRelayRoutes, {
    auth: { publicUrl: 'https://voice.example.test', authTokens: ['token'], accountSid: 'AC1', validate },
    relaySocketKey: socketKey,
    // A store that knows no call: the session ends at setup, after the handshake this test is about.
    engine: createCallEngine({
      calls: { get: async () => undefined } as unknown as CallStore,
      getAgent: unused,
      policyFor: () => {
        throw new Error('not used');
      },
      turnTimeoutMs: 1_000,
      defaultTimezone: 'UTC',
    }),
  });
  return (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
}

const setup = { callSid: `CA${'1'.repeat(32)}`, accountSid: 'AC1', from: '+14155550100', to: '+14155550142' };
const callPath = relaySocketPath(socketKey, { callSid: setup.callSid, reconnect: 0 });

const refusal = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 0,
    (error: unknown) => (error instanceof RelayHandshakeError ? error.statusCode : -1),
  );

describe('the relay handshake switch', () => {
  it('accepts a handshake without Twilio signature when validation is off', async () => {
    const url = await serve(false);
    const client = await connectRelay({ wsUrl: `${url}${callPath}`, authToken: 'x', signature: null, setup });
    expect(await client.waitForEnd()).toEqual({ handoffData: '{"reason":"end"}' }); // unknown call
  });

  it('still refuses a socket URL without our token for a call when validation is off', async () => {
    const url = await serve(false);
    const bare = connectRelay({ wsUrl: `${url}/twilio/relay`, authToken: 'x', signature: null, setup });
    expect(await refusal(bare)).toBe(403);
  });

  it('refuses the handshake without Twilio signature when validation is on', async () => {
    const url = await serve(true);
    const unsigned = connectRelay({ wsUrl: `${url}${callPath}`, authToken: 'x', signature: null, setup });
    expect(await refusal(unsigned)).toBe(403);
  });
});
