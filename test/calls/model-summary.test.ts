// What a call answered by a model leaves behind: the model also writes the summary and outcome,
// through the real provider adapter and the fake OpenAI-compatible server; when that answer is not
// usable, the deterministic summary is stored instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeScript } from '../fakes/fake-openai-server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const MODEL_SUMMARY =
  'The caller could not start their laptop and fixed it with the suggested power reset. Their name and email were collected.';

let model: FakeOpenAiServer;
let server: LiveServer;
let summaryAnswer: FakeScript = { text: JSON.stringify({ summary: MODEL_SUMMARY, outcome: 'resolved' }) };

const isSummaryRequest = (body: Record<string, unknown>) => body.response_format !== undefined;

beforeAll(async () => {
  model = await startFakeOpenAiServer({
    script: (body) => (isSummaryRequest(body) ? summaryAnswer : supportModelScript(body)),
  });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'support-sim',
  });
});
afterAll(async () => {
  await server?.close();
  await model?.close();
});

async function finishedCall(lines: string[]) {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550123',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
  });
  for (const line of lines) await call.say(line, { confidence: 0.9 });
  expect(call.ended).toBe(true);
  await server.container.finalizer.drain();
  const detail = (
    await server.app.inject({ method: 'GET', url: `/calls/${call.callSid}`, headers: server.auth })
  ).json() as { summary?: string; outcome?: string; status: string };
  return { callSid: call.callSid, detail };
}

const SUPPORT_CALL = [
  'Hi, my laptop will not start',
  'I tried that and it works now',
  'My name is Manas',
  "it's manas dot k at gmail dot com",
  'yes',
  'thanks, bye',
];

it("ends with the model's summary and outcome, asked for in JSON mode with the call's transcript", async () => {
  const { detail } = await finishedCall(SUPPORT_CALL);
  expect(detail).toMatchObject({ status: 'completed', summary: MODEL_SUMMARY, outcome: 'resolved' });
  const asked = model.requests.filter((r) => isSummaryRequest(r.body));
  expect(asked).toHaveLength(1);
  expect(asked[0]!.body.response_format).toEqual({ type: 'json_object' });
  const prompt = JSON.stringify(asked[0]!.body.messages);
  expect(prompt).toContain('Caller: My name is Manas');
  expect(prompt).toContain('email (required) = manas.k@gmail.com');
});

it('stores the deterministic summary when the model answers something unusable', async () => {
  summaryAnswer = { text: '{"summary": "Done.", "outcome": "delighted"}' };
  const { detail } = await finishedCall(SUPPORT_CALL);
  expect(detail.summary).toBe('The caller spoke 6 times. Collected name, email; resolved.');
  expect(detail.outcome).toBe('resolved');
});
