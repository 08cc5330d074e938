// TWILIO_VALIDATE_SIGNATURES=false (local tunnels, tests) lets an unsigned handshake through, as for
// the webhooks; with it on, the same handshake is refused.
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { twilioRelayRoutes } from '../../src/http/routes/twilio-relay.js';
import type { CallStore } from '../../src/ports/call-store.js';
import { connectRelay, RelayHandshakeError } from '../../src/simulator/relay-client.js';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function serve(validate: boolean): Promise<string> {
  const app = Fastify();
  apps.push(app);
  await app.register(websocket);
  const unused = () => Promise.reject(new Error('not used'));
  await app.register(twilioRelayRoutes, {
    auth: { publicUrl: 'https://voice.example.test', authTokens: ['token'], accountSid: 'AC1', validate },
    conversation: { handleInput: unused, updateCall: unused },
    calls: { get: async () => undefined } as unknown as CallStore,
    agents: { get: unused },
  });
  return (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
}

const setup = { callSid: `CA${'1'.repeat(32)}`, from: '+14155550100', to: '+14155550142' };

describe('the relay handshake switch', () => {
  it('accepts an unsigned handshake when validation is off', async () => {
    const url = await serve(false);
    const client = await connectRelay({
      wsUrl: `${url}/twilio/relay`,
      authToken: 'x',
      signature: null,
      setup,
    });
    expect(await client.waitForEnd()).toEqual({ handoffData: '{"reason":"end"}' }); // unknown call
  });

  it('refuses it when validation is on', async () => {
    const url = await serve(true);
    const error = await connectRelay({
      wsUrl: `${url}/twilio/relay`,
      authToken: 'x',
      signature: null,
      setup,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayHandshakeError);
  });
});
