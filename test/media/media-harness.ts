// A realtime call against a real server: the live server (embedded stores) pointed at the fake
// Realtime API, a realtime agent created through the admin API, the call placed through the signed
// voice webhook and its Media Stream opened as Twilio opens it (media-stream-client.ts).
import { expect } from 'vitest';
import type { callDetail } from '../../src/http/routes/calls.js';
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
  type FakeRealtimeServer,
} from '../fakes/fake-realtime-server.js';
import { connectMediaStream, type MediaStreamClient } from '../../src/simulator/media-stream-client.js';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import { lineAudio, lineText, type AudioLine } from '../support/audio-fixtures.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

export const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
export const AUTH_TOKEN = 'media-test-auth-token-0123456789';
export const OUR_NUMBER = '+14155550100';
export const CALLER = '+14155550142';
/** Longer than the model's end-of-turn silence, so each line is one utterance. */
export const PAUSE_MS = 800;

/** A call as GET /calls/:sid answers it. */
export type CallDetail = ReturnType<typeof callDetail>;

export interface MediaHarness {
  server: LiveServer;
  fake: FakeRealtimeServer;
  close(): Promise<void>;
}

export async function startMediaHarness(
  script: (connection: number) => DialogueScript,
  env: Record<string, string> = {},
): Promise<MediaHarness> {
  const fake = await startFakeRealtimeServer({ script });
  const server = await startLiveServer({
    OPENAI_REALTIME_URL: fake.url,
    OPENAI_REALTIME_API_KEY: FAKE_REALTIME_KEY,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    ...env,
  });
  return {
    server,
    fake,
    close: async () => {
      await server.close();
      await fake.close();
    },
  };
}

/** A realtime support agent asking for a name and an email. */
export function realtimeAgent(
  agentId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    agent_id: agentId,
    name: 'Realtime support',
    language: 'en-US',
    voice: 'Polly.Joanna-Neural',
    greeting: lineText('agent-greeting'),
    prompt: 'You are a friendly phone support agent. Ask for the caller name, then their email.',
    data_to_fill: [
      { name: 'name', type: 'name', required: true, description: 'full name' },
      { name: 'email', type: 'email', required: true, description: 'email address' },
    ],
    end_call_phrases: ['goodbye', 'bye'],
    transport: 'realtime',
    llm: {
      realtime: { provider: 'openai', model: 'gpt-realtime', voice: 'marin', fallback_transport: 'gather' },
    },
    ...overrides,
  };
}

export async function createAgent(server: LiveServer, agent: Record<string, unknown>): Promise<void> {
  const created = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: agent,
  });
  expect(created.statusCode, created.body).toBe(201);
}

export const agentLine = (name: AudioLine, text = lineText(name)) => ({ text, audio: lineAudio(name) });

export interface OpenedStream {
  call: SimulatedCall;
  client: MediaStreamClient;
}

/** Places the call and opens its stream; the earpiece plays at `playbackRate` (Infinity: at once). */
export async function openRealtimeCall(
  server: LiveServer,
  agentId: string,
  options: { playbackRate?: number } = {},
): Promise<OpenedStream> {
  const call = await server.simulator.callAgent({
    agentId,
    caller: CALLER,
    ourNumber: OUR_NUMBER,
    transport: 'realtime',
  });
  expect(call.applicationErrors).toEqual([]);
  const stream = call.stream;
  if (!stream) throw new Error(`no media stream (state ${call.state})`);
  const client = await connectMediaStream({
    wsUrl: stream.serverUrl,
    signedUrl: stream.url,
    authToken: AUTH_TOKEN,
    start: stream.start,
    pace: 'fast',
    playbackRate: options.playbackRate ?? Infinity,
  });
  return { call, client };
}

export async function readCall(server: LiveServer, callSid: string): Promise<CallDetail> {
  const response = await server.app.inject({ method: 'GET', url: `/calls/${callSid}`, headers: server.auth });
  expect(response.statusCode).toBe(200);
  return response.json<CallDetail>();
}

/** Polls the stored call until `ready` holds (turns are stored as the model's responses finish). */
export async function waitForCall(
  server: LiveServer,
  callSid: string,
  ready: (call: CallDetail) => boolean,
  timeoutMs = 10_000,
): Promise<CallDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const call = await readCall(server, callSid);
    if (ready(call)) return call;
    if (Date.now() > deadline)
      throw new Error(`stored call not as expected: ${JSON.stringify(call).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
