// F1–F6 (reliability.md §5.3): a model that fails, hangs, stalls, resets or sends garbage, through the
// real provider adapter (LLM_PROVIDER=openai-compatible against a fake OpenAI server), on both
// transports. For every fault: the caller hears a line within the turn budget, the call goes on, the
// next turn works, and no sentence is spoken twice (a retry never repeats what the caller heard).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import type { RelayClient } from '../../src/simulator/relay-client.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeScript,
} from '../fakes/fake-openai-server.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { openRelayCall } from './support/relay-call.js';
import { repeatedSentences } from './support/sentences.js';

const TURN_TIMEOUT_MS = 2_500;
const LLM_TIMEOUT_MS = 800;
// Store reads and writes around the model, HTTP and JSON, on a loaded 2-core machine.
const OVERHEAD_MS = 1_500;
const GOOD_REPLY = 'Happy to help with that. What else can I do for you?';
const APOLOGY = "Sorry, I'm having trouble right now. Could you repeat that?";

interface FaultCase {
  name: string;
  scripts: FakeScript[];
  /** What the caller must hear: the model's answer after a retry, or the apology. */
  hears: 'answer' | 'apology';
  /** Model requests the turn makes (a retry makes two). */
  requests: number;
  /** The fault must be answered well before the budget (no sleeping on Retry-After). */
  fastMs?: number;
}

const CASES: FaultCase[] = [
  {
    name: 'HTTP 500 once, then recovery (retried)',
    scripts: [{ status: 500 }],
    hears: 'answer',
    requests: 2,
  },
  {
    name: 'HTTP 500 twice (apology; the next turn works)',
    scripts: [{ status: 500 }, { status: 503 }],
    hears: 'apology',
    requests: 2,
  },
  {
    name: 'HTTP 429 with Retry-After beyond the budget (apology at once)',
    scripts: [{ status: 429, retryAfterSeconds: 30 }],
    hears: 'apology',
    requests: 1,
    fastMs: 1_000,
  },
  {
    name: 'HTTP 429 with Retry-After 0 (retried)',
    scripts: [{ status: 429, retryAfterSeconds: 0 }],
    hears: 'answer',
    requests: 2,
  },
  {
    name: 'no headers once (first-token timeout, retried)',
    scripts: [{ hang: true }],
    hears: 'answer',
    requests: 2,
  },
  {
    name: 'no headers ever (turn budget)',
    scripts: [{ hang: true }, { hang: true }],
    hears: 'apology',
    requests: 2,
  },
  {
    name: 'a stream that stalls mid-reply',
    scripts: [
      { text: 'Let me look into that. One moment while I check the records.', interTokenDelayMs: 6_000 },
    ],
    hears: 'apology',
    requests: 1,
  },
  {
    name: 'a socket reset mid-stream (no retry after words were spoken)',
    scripts: [{ text: 'I can help with that. Let me check your account now please.', resetAfterTokens: 5 }],
    hears: 'apology',
    requests: 1,
  },
  {
    name: 'malformed SSE after some words',
    scripts: [{ text: 'Here is the first part.', malformed: true }],
    hears: 'apology',
    requests: 1,
  },
  {
    name: 'malformed SSE before any word (retried)',
    scripts: [{ text: '', malformed: true }],
    hears: 'answer',
    requests: 2,
  },
];

let model: FakeOpenAiServer;
let server: LiveServer;

beforeAll(async () => {
  model = await startFakeOpenAiServer({ script: () => ({ text: GOOD_REPLY }) });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fault-model',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    TURN_TIMEOUT_MS: String(TURN_TIMEOUT_MS),
    LLM_TIMEOUT_MS: String(LLM_TIMEOUT_MS),
  });
});
afterAll(async () => {
  await server?.close();
  await model?.close();
});

function expectHeard(text: string, fault: FaultCase) {
  expect(text.trim().length).toBeGreaterThan(0);
  if (fault.hears === 'answer') expect(text).toContain(GOOD_REPLY);
  else expect(text).toContain(APOLOGY);
  expect(repeatedSentences(text)).toEqual([]);
}

/** One line per case in the test output: the figures docs/RELIABILITY.md quotes. */
function report(transport: string, fault: FaultCase, ms: number, heard: string) {
  console.info(
    `[F1-F6] ${transport} | ${fault.name} | line heard after ${Math.round(ms)} ms | "${heard.trim()}"`,
  );
}

async function storedTurns(callSid: string) {
  return server.container.callStore.listTurns(callSid);
}

describe('model faults on the Gather transport', () => {
  let call: SimulatedCall;
  beforeAll(async () => {
    call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    expect(call.state).toBe('awaiting-input');
  });

  for (const [index, fault] of CASES.entries()) {
    it(fault.name, async () => {
      model.reset();
      model.enqueue(...fault.scripts);
      const started = performance.now();
      await call.say(`Question ${index}: my laptop will not start`);
      const waitedMs = performance.now() - started;
      expectHeard(call.hear(), fault);
      report('gather', fault, waitedMs, call.hear());
      expect(waitedMs).toBeLessThan(fault.fastMs ?? TURN_TIMEOUT_MS + OVERHEAD_MS);
      expect(call.ended).toBe(false);
      expect(call.applicationErrors).toEqual([]);
      expect(model.requests).toHaveLength(fault.requests);
      // The call goes on: the next turn gets the model's answer.
      await call.say(`Follow-up ${index}`);
      expect(call.hear()).toBe(GOOD_REPLY);
    });
  }

  it('stored every turn once, in order, with what the caller heard', async () => {
    const turns = await storedTurns(call.callSid);
    expect(turns.map((t) => t.seq)).toEqual([...Array(1 + 2 * CASES.length).keys()]);
    const heard = call.heard().map((entry) => entry.text);
    expect(heard).toEqual(turns.map((t) => t.agent_text));
  });
});

describe('model faults on the ConversationRelay transport', () => {
  let client: RelayClient;
  let callSid: string;
  beforeAll(async () => {
    const opened = await openRelayCall({
      simulator: server.simulator,
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      authToken: server.container.secrets.twilioAuthToken,
      agentId: 'customer-support-001',
    });
    client = opened.client;
    callSid = opened.call.callSid;
  });
  afterAll(async () => {
    await client?.close();
  });

  for (const [index, fault] of CASES.entries()) {
    it(fault.name, async () => {
      model.reset();
      model.enqueue(...fault.scripts);
      const reply = await client.prompt(`Question ${index}: my laptop will not start`);
      // The first words reach the caller within the budget; the reply is complete soon after.
      expect(reply.firstTokenMs! - reply.requestedMs).toBeLessThan(
        fault.fastMs ?? TURN_TIMEOUT_MS + OVERHEAD_MS,
      );
      expect(reply.lastTokenMs! - reply.requestedMs).toBeLessThan(TURN_TIMEOUT_MS + OVERHEAD_MS);
      expect(reply.endedBySession).toBe(false);
      // Every token the client received for this reply, joined: no sentence twice.
      expectHeard(reply.text, fault);
      report('relay', fault, reply.lastTokenMs! - reply.requestedMs, reply.text);
      expect(client.invalidMessages).toEqual([]);
      expect(model.requests).toHaveLength(fault.requests);
      const next = await client.prompt(`Follow-up ${index}`);
      expect(next.text.trim()).toBe(GOOD_REPLY);
    });
  }

  it('stored every turn once, in order', async () => {
    const turns = await storedTurns(callSid);
    expect(turns.map((t) => t.seq)).toEqual([...Array(1 + 2 * CASES.length).keys()]);
    const call = await server.container.callStore.get(callSid);
    expect(call?.ended_by).toBeUndefined();
  });
});
