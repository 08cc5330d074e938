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

/** Twilio's side, signing with the server's token. */
const twilio = () =>
  new TwilioSimulator({
    serverUrl: url,
    publicUrl: PUBLIC_URL,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
  });

/** Every value of `secrets` found in `searched`, raw or JSON-escaped, with an example line. */
function leaksIn(searched: string[], secrets: Record<string, string[]>): string[] {
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
}

it(
  'logs no phone number, email, secret, signature or presigned URL, and one record per event',
  { timeout: 60_000 },
  async () => {
    const simulator = twilio();
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };

    // A Gather call with the model: numbers and emails in From/To, in speech and in collected fields.
    const call = await simulator.startCall({
      direction: 'outbound',
      from: OUR_NUMBER,
      to: CALLERS[0]!,
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
      // As our server creates it with RECORD_CALLS on.
      record: { statusCallbackUrl: `${PUBLIC_URL}/twilio/recording`, events: ['completed', 'absent'] },
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
    const faults = injectSdkFaults(container.dynamo.client, container.dynamo.wire);
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
    // The search finds what it looks for (a canary line), so an empty result means something.
    expect(leaksIn([JSON.stringify({ note: `call ${CALLERS[2]} or ${EMAILS[1]}` })], secrets)).toHaveLength(
      4,
    ); // the number in three forms, the email
    const leaks = leaksIn(lines, secrets);
    console.info(`[S1/S2] ${lines.length} log lines at debug searched; leaks: ${leaks.length}`);
    expect(leaks).toEqual([]);
  },
);

// S1 at volume: more calls, every form a phone number, an email or a card number takes in speech.
const PHONE_FORMS = [
  '+1 415-555-0163',
  '(415) 555-0163',
  '415.555.0163',
  '+1-212-555-0187',
  '+44 20 7946 0958',
  '020 7946 0958',
  '+91 98765 43210',
  '0091 98765 43219',
  '２１２５５５０１９８',
  'four one five, five five five, zero one six three',
];
const EMAIL_FORMS = [
  'maria.garcia@example.net',
  'Raj_Kumar+calls@mail.example.co.uk',
  "o'brien.support@example.ie",
  'maria dot garcia at example dot net',
];
// Test PANs (Visa, Mastercard, Amex, Discover), written and spoken.
const CARD_FORMS = [
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '5500005555555559',
  '3782 822463 10005',
  '6011 0009 9013 9424',
  'four one one one one one one one one one one one one one one one',
];
// Concurrent calls; with the utterances below every form above is spoken at least once.
const GATHER_CALLS = 6;
const RELAY_CALLS = 3;
const FORGERIES = [
  '\n{"level":30,"msg":"forged-info"}',
  '\r\n{"level":50,"msg":"forged-error"}',
  '\u2028{"level":40,"msg":"forged-warn"}\u2029',
  '\r{"level":60,"msg":"forged-fatal"}',
];

/** A value and the forms a log line could carry it in: digits only, national number, full-width folded. */
function searchForms(value: string): string[] {
  const folded = value.normalize('NFKC');
  const digits = folded.replace(/\D/g, '');
  const forms = [value, folded];
  if (digits.length >= 7) forms.push(digits, digits.slice(-10), digits.slice(-7));
  if (value.includes('@')) forms.push(value.toLowerCase(), value.split('@')[0]!);
  return [...new Set(forms)];
}

it(
  'S1 at volume: concurrent Gather and relay calls with numbers, emails and card numbers in speech',
  { timeout: 30_000 },
  async () => {
    const simulator = twilio();
    const firstLine = lines.length;
    const pick = <T>(list: T[], n: number) => list[n % list.length]!;
    const utterances = (n: number) => [
      `Hi, my laptop will not start, call me on ${pick(PHONE_FORMS, n)}`,
      `my card is ${pick(CARD_FORMS, n)} and my email is ${pick(EMAIL_FORMS, n)}`,
      `My name is Maria Garcia${pick(FORGERIES, n)}`,
      `it's ${pick(EMAIL_FORMS, n + 1)}${pick(FORGERIES, n + 1)}`,
      `or ${pick(PHONE_FORMS, n + 5)} or the card ${pick(CARD_FORMS, n + 3)}`,
      'thanks, bye',
    ];

    const gather = Array.from({ length: GATHER_CALLS }, async (_, n) => {
      const caller = `+1415555${String(2000 + n)}`;
      const call =
        n % 2 === 0
          ? await simulator.startCall({
              direction: 'outbound',
              from: OUR_NUMBER,
              to: caller,
              voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
            })
          : await simulator.startCall({ direction: 'inbound', from: caller, to: OUR_NUMBER });
      for (const line of utterances(n)) if (!call.ended) await call.say(line);
      return call;
    });
    const relay = Array.from({ length: RELAY_CALLS }, async (_, n) => {
      const opened = await openRelayCall({
        simulator,
        serverUrl: url,
        publicUrl: PUBLIC_URL,
        authToken: AUTH_TOKEN,
        agentId: n % 2 === 0 ? 'default' : 'customer-support-001',
        from: OUR_NUMBER,
        to: `+1415555${String(3000 + n)}`,
      });
      for (const line of utterances(n + GATHER_CALLS).slice(0, -1)) await opened.client.prompt(line);
      await opened.client.close();
      return opened.call;
    });
    const calls = await Promise.all([...gather, ...relay]);

    // The speech reached the server whole (so an empty search means something): a card number is stored.
    const stored = await Promise.all(calls.map((call) => container.callStore.listTurns(call.callSid)));
    const said = stored.flat().map((turn) => turn.caller_text ?? '');
    expect(said.some((text) => CARD_FORMS.some((card) => text.includes(card)))).toBe(true);
    expect(said.some((text) => text.includes('forged-'))).toBe(true);

    const newLines = lines.slice(firstLine);
    // Each line one JSON record; no forged record; every webhook logged (the request lines).
    const records = newLines.map((line) => JSON.parse(line) as { msg?: string });
    expect(records.filter((record) => record.msg?.startsWith('forged-'))).toEqual([]);
    const webhooks = calls.reduce((sum, call) => sum + call.exchanges.length, 0);
    const requestLines = records.filter((record) => record.msg === 'incoming request').length;
    expect(requestLines).toBeGreaterThanOrEqual(webhooks);

    const callers = [
      ...Array.from({ length: GATHER_CALLS }, (_, n) => `+1415555${String(2000 + n)}`),
      ...Array.from({ length: RELAY_CALLS }, (_, n) => `+1415555${String(3000 + n)}`),
    ];
    const secrets: Record<string, string[]> = {
      'phone number': [...PHONE_FORMS, ...callers].flatMap(searchForms),
      email: EMAIL_FORMS.flatMap(searchForms),
      'card number': CARD_FORMS.flatMap(searchForms),
      name: ['Maria Garcia'],
    };
    // The search finds each form it looks for in a line that holds them all.
    const canary = JSON.stringify({ note: Object.values(secrets).flat().join(' | ') });
    expect(leaksIn([canary], secrets)).toHaveLength(Object.values(secrets).flat().length);
    const leaks = leaksIn(lines, secrets);
    console.info(
      `[S1/S2] volume: ${calls.length} calls (${GATHER_CALLS} Gather, ${RELAY_CALLS} relay), ${webhooks} webhooks, ` +
        `${newLines.length} log lines at debug searched (${lines.length} in all) for ` +
        `${Object.values(secrets).flat().length} forms of numbers, emails and cards; leaks: ${leaks.length}`,
    );
    expect(leaks).toEqual([]);
  },
);
