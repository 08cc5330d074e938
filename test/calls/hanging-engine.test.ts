// A model that never answers: past TURN_TIMEOUT_MS the caller hears a short line and the call goes
// on. The model is a real HTTP server speaking the OpenAI API, behind the real provider adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const TURN_TIMEOUT_MS = 1_500;
// Store reads and writes around the model call, on a loaded machine.
const OVERHEAD_ALLOWED_MS = 1_500;

let model: FakeOpenAiServer;
let server: LiveServer;

beforeAll(async () => {
  model = await startFakeOpenAiServer({ script: () => ({ text: 'Happy to help with that.' }) });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    TURN_TIMEOUT_MS: String(TURN_TIMEOUT_MS),
  });
});
afterAll(async () => {
  await server?.close();
  await model?.close();
});

describe('a hanging engine', () => {
  it('answers the caller within the turn budget, then the next turn works', async () => {
    const call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    expect(model.requests).toHaveLength(0); // the greeting needs no model

    model.enqueue({ hang: true });
    const started = performance.now();
    await call.say('My laptop will not start');
    const waitedMs = performance.now() - started;
    expect(call.hear()).toBe("Sorry, I'm having trouble right now. Could you repeat that?");
    expect(call.ended).toBe(false);
    expect(waitedMs).toBeGreaterThanOrEqual(TURN_TIMEOUT_MS - 50);
    expect(waitedMs).toBeLessThan(TURN_TIMEOUT_MS + OVERHEAD_ALLOWED_MS);
    // The abandoned model request is cancelled, not left running.
    await model.waitUntil(() => model.requests[0]?.aborted === true, 2_000);

    await call.say('My laptop will not start, it shows a black screen');
    expect(call.hear()).toContain('Happy to help with that.');
    expect(call.applicationErrors).toEqual([]);

    const detail = (
      await server.app.inject({ method: 'GET', url: `/calls/${call.callSid}`, headers: server.auth })
    ).json() as { status: string; transcript: { seq: number; kind: string; model_error?: string }[] };
    expect(detail.status).toBe('in-progress');
    expect(detail.transcript.map((t) => [t.seq, t.kind])).toEqual([
      [0, 'greeting'],
      [1, 'timeout'],
      [2, 'speech'],
    ]);
    expect(detail.transcript[1]?.model_error).toBe(`turn budget of ${TURN_TIMEOUT_MS} ms exceeded`);
  });
});
