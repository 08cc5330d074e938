// A whole phone call answered by a model: the fake OpenAI-compatible server plays a good model
// through the real provider adapter, and the simulator plays Twilio.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

let model: FakeOpenAiServer;
let server: LiveServer;

beforeAll(async () => {
  model = await startFakeOpenAiServer({ script: supportModelScript });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'support-sim',
  });
});
afterAll(async () => {
  await server.close();
  await model.close();
});

it('uses the model’s replies, stores the fields it proposed after validation, and ends on its end_call', async () => {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550123',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
  });
  for (const line of [
    'Hi, my laptop will not start',
    'I tried that',
    'My name is Manas',
    "it's manas dot k at gmail dot com",
    'yes',
    'thanks, bye',
  ]) {
    await call.say(line, { confidence: 0.9 });
  }
  expect(call.ended).toBe(true);

  const response = await server.app.inject({
    method: 'GET',
    url: `/calls/${call.callSid}`,
    headers: server.auth,
  });
  const detail = response.json();
  expect(detail.ended_by).toBe('user');
  expect(detail.data_collected).toEqual({
    name: { value: 'Manas', turn: 3 },
    email: { value: 'manas.k@gmail.com', turn: 4 },
  });
  const turns = detail.transcript as { agent: string; ends_call?: string; input_tokens?: number }[];
  expect(turns[1]?.agent).toMatch(/power button/);
  expect(turns[4]?.agent).toMatch(/manas dot k at gmail dot com/);
  expect(turns.at(-1)?.ends_call).toBe('user');
  expect(turns[1]?.input_tokens).toBeGreaterThan(0);
  expect(detail.totals.input_tokens).toBeGreaterThan(0);
  // The model saw the call so far and the collected fields, never another caller's data.
  const last = model.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
  expect(JSON.stringify(last.messages)).toContain('manas.k@gmail.com');
});
