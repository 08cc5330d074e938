// S1/S2 (reliability.md §5.6): every log line of a real server at LOG_LEVEL=debug, captured while
// calls full of phone numbers and emails run over both transports, with a model (through the real
// adapter) that fails now and then, recordings, the end-of-call webhook, a recording presign, refused
// signatures and admin keys. No line may hold a raw phone number, an email, the Twilio auth token,
// the admin key, an X-Twilio-Signature value or a presigned URL. Speech with newlines and a forged
// JSON record must stay inside one record: every line is one JSON object, and none is the forgery.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions } from '../../src/logger.js';
import { startRecordingServer, type RecordingServer } from '../../src/simulator/recording-server.js';
import { TwilioSimulator } from '../../src/simulator/twilio-simulator.js';
import type { FastifyInstance } from 'fastify';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { startWebhookReceiver } from '../recordings/webhook-receiver.js';
import { openRelayCall } from './support/relay-call.js';
import { injectSdkFaults } from './support/sdk-faults.js';

const PUBLIC_URL = 'https://voice.example.test';
const ADMIN_KEY = 'privacy-admin-key-0123456789abcdef';
const AUTH_TOKEN = 'privacy-auth-token-5f0c1e';
const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
const LLM_KEY = 'sk-privacy-test-key-000111222333';

// The personal data used in the calls, in every form a leak could take.
const CALLERS = ['+14155550142', '+14155550177', '+919876543210'];
const OUR_NUMBER = '+14155550100';
const SPOKEN_NUMBER = '415 555 0199';
const EMAILS = ['jane.doe@example.com', 'raj.kumar@example.org'];
const NAME = 'Jane Doe';
const FORGED = '\n{"level":50,"msg":"fake"}';

const lines: string[] = [];
let container: Container;
let app: FastifyInstance;
let url: string;
let model: FakeOpenAiServer;
let media: RecordingServer;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const signatures: string[] = [];

beforeAll(async () => {
  model = await startFakeOpenAiServer({ script: supportModelScript });
  media = await startRecordingServer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, notFoundFirst: 1 });
  receiver = await startWebhookReceiver();
  const config = loadConfig(
    {
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'debug',
      ADMIN_API_KEY: ADMIN_KEY,
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_URL: media.baseUrl,
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      OPENAI_COMPATIBLE_API_KEY: LLM_KEY,
      LLM_MODEL: 'support-sim',
      WEBHOOK_URL: receiver.url,
      WEBHOOK_ALLOW_PRIVATE: 'true',
    },
    '',
  );
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line.length > 0),
      );
      done();
    },
  });
  const logger = pino(loggerOptions('debug'), sink);
  container = await createContainer(config, { logger, role: 'server' });
  app = await buildApp(container);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await container?.close();
  await Promise.all([model?.close(), media?.close(), receiver?.close()]);
});

it(
  'logs no phone number, email, secret, signature or presigned URL, and one record per event',
  { timeout: 60_000 },
  async () => {
    const simulator = new TwilioSimulator({
      serverUrl: url,
      publicUrl: PUBLIC_URL,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
    });
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };

    // A Gather call with the model: numbers and emails in From/To, in speech and in collected fields.
    const call = await simulator.startCall({
      direction: 'outbound',
      from: OUR_NUMBER,
      to: CALLERS[0]!,
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
    });
    for (const line of [
      `Hi, my laptop will not start, call me back on ${SPOKEN_NUMBER}`,
      `My name is ${NAME}`,
      `it's ${EMAILS[0]}${FORGED}`,
      `yes\r\nthat is right, and my other email is ${EMAILS[1]}`,
    ]) {
      await call.say(line);
    }
    model.enqueue({ status: 500 }, { status: 500 }); // a failing turn: errors are logged too
    await call.say(`are you there? ${EMAILS[0]} ${CALLERS[1]}`);
    await call.say('thanks, bye');
    for (const exchange of call.exchanges) signatures.push(exchange.request.headers['x-twilio-signature']!);

    // An inbound scripted-style call on relay with PII in prompts.
    const relay = await openRelayCall({
      simulator,
      serverUrl: url,
      publicUrl: PUBLIC_URL,
      authToken: AUTH_TOKEN,
      agentId: 'default',
      from: OUR_NUMBER,
      to: CALLERS[2]!,
    });
    await relay.client.prompt(`my number is ${CALLERS[1]} and ${EMAILS[1]}${FORGED}`);
    await relay.client.prompt(`My name is ${NAME}\r\n{"level":60,"msg":"fake"}`);
    await relay.client.close();

    // The recording: callback, copy (after a 404), presigned link.
    const recording = media.addRecording(call.callSid, { durationSeconds: 2 });
    const recordingResult = await call.sendRecording({
      url: `${PUBLIC_URL}/twilio/recording`,
      recordingSid: recording.recordingSid,
      recordingUrl: recording.recordingUrl,
      durationSeconds: 2,
    });
    expect(recordingResult.status).toBe(204);
    // The first download is a 404 (logged and retried about 2 s later).
    for (let waited = 0; waited < 20_000; waited += 100) {
      if ((await container.callStore.get(call.callSid))?.recording?.status === 'copied') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await container.finalizer.drain();
    const presign = await fetch(`${url}/calls/${call.callSid}/recording`, { headers: admin });
    const presigned = ((await presign.json()) as { url?: string }).url ?? '';
    expect(presigned).toMatch(/X-Amz-Signature=/);

    // Refused requests: a forged signature and a wrong admin key, both with PII in them.
    const forged = await simulator.post(
      `${PUBLIC_URL}/twilio/voice`,
      { AccountSid: ACCOUNT_SID, CallSid: call.callSid, From: CALLERS[1]! },
      { signature: 'Zm9yZ2VkLXNpZ25hdHVyZQ==' },
    );
    expect(forged.status).toBe(403);
    const wrongKey = await fetch(`${url}/calls?recipient=${encodeURIComponent(CALLERS[0]!)}`, {
      headers: { authorization: 'Bearer not-the-admin-key-but-long-enough' },
    });
    expect(wrongKey.status).toBe(401);
    const badNumber = await fetch(`${url}/phone-numbers/${encodeURIComponent('+1900555' + '0100')}`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'default' }),
    });
    expect(badNumber.status).toBeLessThan(500);
    // The end-of-call report went out (it carries the data; the log must not).
    expect(receiver.received.length).toBeGreaterThan(0);

    // Store failures mid-turn on both transports: error records with their causes, PII all around.
    const faults = injectSdkFaults(container.dynamo.client);
    const failing = await simulator.startCall({ direction: 'inbound', from: CALLERS[1]!, to: OUR_NUMBER });
    faults.outage('throttle');
    await failing.say(`my email is ${EMAILS[1]} and my number is ${SPOKEN_NUMBER}`);
    faults.heal();
    const relayFailing = await openRelayCall({
      simulator,
      serverUrl: url,
      publicUrl: PUBLIC_URL,
      authToken: AUTH_TOKEN,
      agentId: 'default',
      from: OUR_NUMBER,
      to: CALLERS[0]!,
    });
    await relayFailing.client.prompt('hello there');
    faults.outage('refused');
    await relayFailing.client.prompt(`reach me at ${EMAILS[0]} or ${CALLERS[0]}`);
    faults.heal();
    faults.remove();
    await relayFailing.client.close();
    for (const exchange of failing.exchanges)
      signatures.push(exchange.request.headers['x-twilio-signature']!);
    expect(lines.some((line) => JSON.parse(line).level >= 50)).toBe(true);

    // ---- the search -----------------------------------------------------------------------------
    expect(lines.length).toBeGreaterThan(30);
    const records = lines.map((line) => {
      const record = JSON.parse(line) as { level: number; msg?: string };
      return record;
    });
    // One JSON object per line; the forged records never appear as records of their own.
    expect(records.some((record) => record.msg === 'fake')).toBe(false);

    const digits = (number: string) => number.replace(/\D/g, '');
    const secrets: Record<string, string[]> = {
      'phone number': [
        ...CALLERS,
        ...CALLERS.map(digits),
        ...CALLERS.map((n) => digits(n).slice(-10)),
        SPOKEN_NUMBER,
        digits(SPOKEN_NUMBER),
        OUR_NUMBER,
      ],
      email: [...EMAILS, 'jane dot doe at example dot com'],
      name: [NAME],
      'auth token': [AUTH_TOKEN],
      'admin key': [ADMIN_KEY, 'not-the-admin-key-but-long-enough'],
      'LLM API key': [LLM_KEY],
      'X-Twilio-Signature': [...signatures, 'Zm9yZ2VkLXNpZ25hdHVyZQ=='],
      'presigned URL': ['X-Amz-Signature', 'X-Amz-Credential', presigned.split('?')[0] ?? 'no-url'],
    };
    const leaksIn = (searched: string[]) => {
      const leaks: string[] = [];
      for (const [kind, values] of Object.entries(secrets)) {
        for (const value of values) {
          const hits = searched.filter(
            (line) => line.includes(value) || line.includes(JSON.stringify(value).slice(1, -1)),
          );
          if (hits.length > 0)
            leaks.push(`${kind} "${value}" in ${hits.length} line(s), e.g. ${hits[0]!.slice(0, 300)}`);
        }
      }
      return leaks;
    };
    // The search finds what it looks for (a canary line), so an empty result means something.
    expect(leaksIn([JSON.stringify({ note: `call ${CALLERS[2]} or ${EMAILS[1]}` })])).toHaveLength(4); // the number in three forms, the email
    const leaks = leaksIn(lines);
    console.info(`[S1/S2] ${lines.length} log lines at debug searched; leaks: ${leaks.length}`);
    expect(leaks).toEqual([]);
  },
);
