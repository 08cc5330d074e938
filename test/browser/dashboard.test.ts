// The dashboard in a real headless Chromium against a real server: sign-in, an agent created
// through the form, a web call typed to the end, its call page, the agent's tests, escaping, and a
// phone-sized screen. The server's model is the fake OpenAI-compatible server playing a
// form-filling model through the real provider adapter, so the pages show real tokens, cost and
// model latency (the scripted path is covered by src/transports/web/web-call-routes.test.ts).
// Screenshots of every page go to test-results/screenshots/ (git-ignored). Chromium comes from
// Debian (scripts/ensure-browser.sh); playwright-core never downloads a browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOICES_BY_LANGUAGE } from '../../src/domain/voices.js';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import type { Call, TurnTimeline } from '../../src/domain/call.js';
import type { CallStore } from '../../src/ports/call-store.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeScript,
} from '../fakes/fake-openai-server.js';
import { launchChromium } from '../support/chromium.js';
import { formModelScript } from '../fakes/form-model-script.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const XSS = '<img src=x onerror="window.__xss = 1">';
const STEP_MS = 60_000;
// The suite the agent page's "Run tests" runs: one scenario that passes, one that fails, one skipped.
const SUITE = `agent: browser-agent
scenarios:
  - name: collects the name and email, then ends
    caller: ['hi there', 'my name is Asha Rao', 'asha.rao@example.com', 'yes']
    expect:
      collected: { full_name: Asha Rao, email: asha.rao@example.com }
      ended_by: system_complete
  - name: offers a refund
    caller: ['hi there']
    expect:
      agent_says: refund
  - name: a persona over ConversationRelay
    transport: relay
    persona: A caller who wants to leave their details.
  - name: a persona who leaves her details
    persona:
      who: Asha Rao
      goal: leave her name and email for a follow-up
      facts: { full_name: Asha Rao, email: asha.rao@example.com }
    max_turns: 6
`;
// The configured (fake) model plays the persona's lines and judges its criteria.
const PERSONA_LINES = ['hi there', 'my name is Asha Rao', 'asha.rao@example.com', 'yes'];

function browserModel(body: Record<string, unknown>): FakeScript {
  const tools = (body.tools ?? []) as { function: { name: string } }[];
  if (tools.some((tool) => tool.function.name === 'verdict'))
    return { toolCalls: [{ name: 'verdict', arguments: { pass: true, reason: 'turn 2 shows it' } }] };
  const messages = body.messages as { role: string; content: string }[];
  if (messages[0]?.content.startsWith('You are a person on a phone call')) {
    const said = messages.filter((m) => m.role === 'assistant').length;
    return { text: PERSONA_LINES[said] ?? '[hang up]' };
  }
  return formModelScript(body);
}

/** Local noon `daysAgo` days back, as ISO (the analytics page counts the browser's days). */
function daysAgo(daysAgo: number, hour = 12): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, hour).toISOString();
}

const OUTCOMES: NonNullable<Call['outcome']>[] = [
  'resolved',
  'resolved',
  'follow_up_needed',
  'transferred',
  'no_answer',
];

/**
 * A Gather call whose turns were stored before their TwiML answers went out: each answer's moment came
 * with the next turn's put, the last one with a write of its own, as the engine keeps them.
 */
async function seedGatherCall(store: CallStore): Promise<string> {
  const sid = 'CA0000000000000000000000000000wf02';
  await store.create(
    sampleCall(sid, { agent_id: 'customer-support-001', transport: 'gather', started_at: daysAgo(0, 7) }),
  );
  const timeline: TurnTimeline = {
    received: 0,
    model_request: 2,
    first_token: 180,
    model_done: 420,
    stored: 426,
  };
  await store.putTurn(sampleTurn(sid, 0, { agent_text: 'Hello! How can I help?' }));
  await store.putTurn(sampleTurn(sid, 1, { timeline, model: 'openai:gpt-4o-mini' }));
  await store.putTurn(sampleTurn(sid, 2, { timeline, model: 'openai:gpt-4o-mini' }), [
    { seq: 1, first_text_out: 431 },
  ]);
  await store.keepLateMoments(sid, 2, [{ seq: 2, first_text_out: 433 }]);
  return sid;
}

/**
 * A week of calls for the analytics page, and one relay call whose turns carry timelines for the
 * waterfall; returns that call's sid. Everything goes through the store, as the engine stores it.
 */
async function seedAnalytics(store: CallStore): Promise<string> {
  let n = 0;
  for (let day = 6; day >= 0; day -= 1) {
    for (let i = 0; i < (day % 3) + 2; i += 1) {
      n += 1;
      const outcome = OUTCOMES[(day + i) % OUTCOMES.length]!;
      const answered = outcome !== 'no_answer';
      await store.create(
        sampleCall(`CA${n.toString(16).padStart(32, 'a')}`, {
          agent_id: i % 2 === 0 ? 'customer-support-001' : 'sales-001',
          started_at: daysAgo(day, 9 + i),
          status: answered ? 'completed' : 'no-answer',
          outcome,
          ended_by: outcome === 'transferred' ? 'transfer' : answered ? 'user' : undefined,
          ...(outcome === 'transferred' ? { transferred_to: '+14155550111' } : {}),
          turn_count: answered ? 6 : 0,
          data_collected: answered
            ? {
                name: { value: 'Asha Rao', turn: 1 },
                ...(i % 2 === 0 ? { email: { value: 'asha@example.com', turn: 2 } } : {}),
              }
            : {},
          ...(answered
            ? {
                totals: {
                  latency_ms: 5 * (600 + 40 * i),
                  model_latency_ms: 5 * (420 + 30 * i),
                  input_tokens: 2_400,
                  output_tokens: 180,
                  cost_micro_usd: 900 + 350 * i + 120 * day,
                },
                latency_p50_ms: 560 + 40 * i,
                latency_p95_ms: 900 + 60 * i,
                server_added_p50_ms: 8 + i,
                server_added_p95_ms: 30 + 5 * i,
              }
            : {}),
        }),
      );
    }
  }
  const sid = 'CA0000000000000000000000000000wf01';
  await store.create(
    sampleCall(sid, {
      agent_id: 'customer-support-001',
      transport: 'relay',
      started_at: daysAgo(0, 8),
      status: 'completed',
      outcome: 'resolved',
      turn_count: 3,
      latency_p50_ms: 390,
      latency_p95_ms: 720,
      server_added_p50_ms: 9,
      server_added_p95_ms: 14,
      model_first_token_p50_ms: 205,
      model_first_token_p95_ms: 480,
    }),
  );
  const timelines: TurnTimeline[] = [
    { received: 0, model_request: 3, first_token: 210, first_text_out: 214, model_done: 390, stored: 395 },
    {
      received: 0,
      model_request: 4,
      first_token: 480,
      first_text_out: 489,
      model_done: 720,
      stored: 726,
      tools: [{ name: 'lookup_order', start: 60, end: 420, ok: true }],
      twilio: [{ name: 'agentSpeaking on', at: 640 }],
    },
  ];
  await store.putTurn(sampleTurn(sid, 0, { agent_text: 'Hello! How can I help?' }));
  for (const [i, timeline] of timelines.entries()) {
    await store.putTurn(
      sampleTurn(sid, i + 1, {
        caller_text: i === 0 ? 'Where is my order?' : 'It is order 5 5 1 2.',
        agent_text: i === 0 ? 'Let me look that up. What is the order number?' : 'Order 5512 ships tomorrow.',
        latency_ms: timeline.model_done!,
        model_latency_ms: timeline.model_done! - timeline.model_request!,
        model: 'openai:gpt-4o-mini',
        timeline,
      }),
    );
  }
  return sid;
}

describe('dashboard in a browser', () => {
  let server: LiveServer;
  let model: FakeOpenAiServer;
  let orders: ToolEndpoint;
  let suites: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let callSid = '';
  let waterfallSid = '';
  let gatherSid = '';
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const go = async (hash: string) => {
    await page.goto(`${server.url}/${hash}`);
  };

  beforeAll(async () => {
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    suites = mkdtempSync(join(tmpdir(), 'voice-agent-suites-'));
    writeFileSync(join(suites, 'browser-agent.yaml'), SUITE);
    model = await startFakeOpenAiServer({ script: browserModel });
    orders = await startToolEndpoint((req, res) =>
      req.url === '/orders/4412'
        ? sendJson(res, 200, { order_id: '4412', status: 'shipped', email: 'asha.rao@example.com' })
        : sendJson(res, 404, { error: 'no such order' }),
    );
    server = await startLiveServer({
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      // A model in the price table, so calls have a cost.
      LLM_MODEL: 'gpt-4o-mini',
      AGENT_TESTS_DIR: suites,
    });
    profile = mkdtempSync(join(tmpdir(), 'voice-agent-chromium-'));
    context = await launchChromium(profile);
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, STEP_MS);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await model?.close();
    await orders?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (suites) rmSync(suites, { recursive: true, force: true });
  });

  it(
    'refuses a wrong admin key',
    async () => {
      await go('');
      await page.getByLabel('Admin key').fill('not-the-admin-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#sign-in-message').textContent()).toContain('not right');
      await shot('01-sign-in-refused');
      expect(await context.cookies()).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'signs in and lists the agents',
    async () => {
      await page.getByLabel('Admin key').fill(TEST_ADMIN_KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Agents' }).waitFor();
      await page.getByRole('link', { name: 'Customer support' }).waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'va_session', httpOnly: true, sameSite: 'Strict' });
      expect(cookie?.value).not.toContain(TEST_ADMIN_KEY);
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
      expect(stored).not.toContain(TEST_ADMIN_KEY);
      await shot('02-agents');
    },
    STEP_MS,
  );

  it(
    'creates an agent through the form, showing a validation error next to its field',
    async () => {
      await page.getByRole('link', { name: 'New agent' }).click();
      await page.getByRole('heading', { name: 'New agent' }).waitFor();
      // The voice list follows the language.
      await page.getByLabel('Language', { exact: true }).selectOption('hi-IN');
      const hindiVoices = await page.getByLabel('Voice', { exact: true }).locator('option').allTextContents();
      expect(hindiVoices).toEqual(VOICES_BY_LANGUAGE['hi-IN']);
      await page.getByLabel('Language', { exact: true }).selectOption('en-US');
      expect(await page.getByLabel('Voice', { exact: true }).inputValue()).toBe(
        VOICES_BY_LANGUAGE['en-US']?.[0],
      );

      await page.getByLabel('Agent id (optional)').fill('browser-agent');
      await page.getByLabel('Name', { exact: true }).fill('Browser test agent');
      await page.getByLabel('Greeting').fill('Hello! I will take your details.');
      await page.getByRole('button', { name: 'Add a field to collect' }).click();
      const first = page.locator('[data-field="data_to_fill.0.name"]');
      await first.getByLabel('Name').fill('Full Name');
      await first.locator('..').getByLabel('Type').selectOption('name');
      await page.getByRole('button', { name: 'Add a field to collect' }).click();
      const second = page.locator('[data-field="data_to_fill.1.name"]');
      await second.getByLabel('Name').fill('email');
      await second.locator('..').getByLabel('Type').selectOption('email');
      // Streaming speech: a provider voice and one further language.
      await page.getByLabel('Speech provider', { exact: true }).selectOption('Google');
      await page.getByLabel('Provider voice').fill('en-US-Journey-O');
      await page.getByRole('button', { name: 'Add a language the caller may switch to' }).click();
      const language = page.locator('[data-field="relay.languages.0.code"]');
      await language.getByLabel('Code').fill('hi-IN');
      await language.locator('..').getByLabel('Voice').fill('Polly.Kajal-Neural');
      // Past-call memory: verified numbers only unless changed; this agent recalls nobody.
      expect(await page.getByLabel('Memory of past calls').inputValue()).toBe('verified');
      await page.getByLabel('Memory of past calls').selectOption('off');
      // A fallback model for when the agent's own model fails.
      await page.getByLabel('Fallback provider').selectOption('openai-compatible');
      await page.getByLabel('Fallback model').fill('llama3.1');
      await page.getByRole('button', { name: 'Create agent' }).click();

      const error = first.locator('.field-error');
      await expect.poll(() => error.textContent()).toContain('lower-case letters');
      expect(await first.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
      await shot('03-agent-form-error');

      await first.getByLabel('Name').fill('full_name');
      await page.getByRole('button', { name: 'Create agent' }).click();
      await page.getByRole('heading', { name: 'Browser test agent' }).waitFor();
      await page.getByText('Agent created.').waitFor();
      expect(page.url()).toContain('#/agents/browser-agent');
      expect((await server.container.agents.get('browser-agent')).relay).toEqual({
        tts_provider: 'Google',
        voice: 'en-US-Journey-O',
        languages: [{ code: 'hi-IN', voice: 'Polly.Kajal-Neural' }],
      });
      expect((await server.container.agents.get('browser-agent')).memory).toBe('off');
      expect((await server.container.agents.get('browser-agent')).llm?.fallback).toEqual({
        provider: 'openai-compatible',
        model: 'llama3.1',
      });
      // Before a web call there is nothing collected, and no empty heading saying so.
      expect(await page.getByRole('heading', { name: 'Data collected' }).count()).toBe(0);
      await shot('04-agent-page');
    },
    STEP_MS,
  );

  it(
    'edits the agent’s tools as JSON, naming a bad field inside one, and tries one for real',
    async () => {
      const tool = (url: string) =>
        JSON.stringify({
          type: 'http',
          name: 'lookup_order',
          description: 'Find an order by its number',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string' } },
            required: ['order_id'],
          },
          request: { method: 'GET', url },
          allow_private_network: true,
        });
      await page.getByRole('button', { name: 'Add a tool' }).click();
      const editor = page.locator('[data-field="tools.0"] textarea');
      await editor.fill(tool(`${orders.url}/orders/{order_number}`));
      await page.getByRole('button', { name: 'Save changes' }).click();
      const error = page.locator('[data-field="tools.0"] > .field-error');
      await expect.poll(() => error.textContent()).toContain('request.url: {order_number} is not one of');
      await shot('04b-agent-tool-error');

      await editor.fill(tool(`${orders.url}/orders/{order_id}`));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved.', { exact: true }).waitFor();
      expect((await server.container.agents.get('browser-agent')).tools?.[0]?.name).toBe('lookup_order');

      await page.getByLabel('Sample arguments (JSON)').fill('{"order_id": "4412"}');
      await page.getByRole('button', { name: 'Try it' }).click();
      const output = page.locator('.tool-try-output');
      await expect.poll(() => output.textContent()).toContain('"status": "shipped"');
      expect(await output.textContent()).toContain('[email]');
      expect(await output.textContent()).not.toContain('asha.rao');
      expect(orders.requests.at(-1)?.url).toBe('/orders/4412');
      await shot('04c-agent-tool-tried');
    },
    STEP_MS,
  );

  it(
    'runs a web call to the end by typing',
    async () => {
      await page.getByRole('button', { name: 'Start web call' }).click();
      const log = page.getByRole('log', { name: 'Conversation' });
      await log.getByText('Hello! I will take your details.').waitFor();
      // Typing always works; the mic button only appears where the browser has speech recognition.
      const message = page.getByLabel('Your message');
      const send = async (text: string, replies: number) => {
        await message.fill(text);
        await message.press('Enter');
        await expect.poll(() => log.locator('.bubble-agent').count()).toBe(replies);
      };
      await send(XSS, 2);
      await send('my name is Asha Rao', 3);
      await page.getByRole('heading', { name: 'Data collected' }).waitFor();
      await send('asha.rao@example.com', 4);
      await shot('05-web-call');
      await send('yes', 5);
      await page.getByText(/The call ended/).waitFor();
      expect(await page.getByRole('button', { name: 'Hang up' }).isVisible()).toBe(false);
      expect(await log.locator('img').count()).toBe(0);
      await shot('06-web-call-ended');
      await page.getByRole('link', { name: 'Open the call page' }).click();
      await page.getByRole('heading', { name: 'Call with Browser test agent' }).waitFor();
      callSid = decodeURIComponent(page.url().split('#/calls/')[1] ?? '');
      expect(callSid).toMatch(/^WC/);
    },
    STEP_MS,
  );

  it(
    'shows the call page with transcript, collected data and the escaped payload as text',
    async () => {
      const transcript = page.locator('.transcript');
      await transcript.getByText('my name is Asha Rao').waitFor();
      await transcript.getByText(XSS, { exact: true }).waitFor();
      expect(await transcript.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      // Typed lines carry no speech-recognition confidence worth showing.
      expect(await transcript.getByText(/confidence/).count()).toBe(0);

      const collected = page.locator('section', {
        has: page.getByRole('heading', { name: 'Data collected' }),
      });
      await collected.getByRole('row', { name: /full_name Asha Rao turn 2/ }).waitFor();
      // The model records the email on the turn it was said; the read-back confirms it after.
      await collected.getByRole('row', { name: /email asha\.rao@example\.com turn 3/ }).waitFor();
      await page.getByText('completed').first().waitFor();
      // Summary and outcome are written in the background after the end; the page refreshes. The
      // summary names the fields collected, never their values (those are in the table above).
      await page
        .locator('section', { has: page.getByRole('heading', { name: 'Summary' }) })
        .getByText(/Collected full_name, email/)
        .waitFor({ timeout: 20_000 });
      await collected.getByRole('button', { name: 'turn 3' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('turn-3');
      // Answered by the (fake) model: tokens and a cost, not the scripted policy's zeros.
      const fact = (name: string) =>
        page.locator('.facts dt', { hasText: name }).locator('xpath=following-sibling::dd[1]');
      // The repeated prefix of later turns came from the provider's prompt cache, priced lower.
      expect(await fact('Tokens').textContent()).toMatch(
        /^[1-9]\d* in \([1-9]\d* from the prompt cache\) \/ [1-9]\d* out$/,
      );
      await transcript
        .getByText(/from the prompt cache\) \/ 18 out tokens · cost \$0\.0*[1-9]/)
        .first()
        .waitFor();
      expect(await fact('Total cost').textContent()).toMatch(/^\$0\.0*[1-9]/);
      expect(await fact('Model latency').textContent()).toMatch(/^\d+ ms$/);
      await shot('07-call-page');
    },
    STEP_MS,
  );

  it(
    'lists the finished web call, and filters by agent',
    async () => {
      await go('#/calls?agent_id=browser-agent');
      const row = page.getByRole('row', { name: /Browser test agent/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('web call');
      expect(await row.textContent()).toContain('completed');
      await shot('08-calls');
      await go('#/calls?agent_id=sales-001');
      await page.getByText('No calls match these filters.').waitFor();
    },
    STEP_MS,
  );

  it(
    'filters calls by a day range the store applies, years back',
    async () => {
      // Older than the two years an unfiltered list walks back.
      await server.container.callStore.create(
        sampleCall('CA-three-years-ago', {
          started_at: '2023-03-15T12:00:00.000Z',
          agent_id: 'browser-agent',
          recipient_phone: '+14155550123',
          status: 'completed',
          duration_seconds: 42,
          memory: { policy: 'verified', identity: 'unattested', used: false },
          totals: {
            latency_ms: 4_900,
            model_latency_ms: 700,
            input_tokens: 900,
            output_tokens: 40,
            cost_micro_usd: 0,
            tool_calls: 1,
            tool_latency_ms: 4_001,
          },
        }),
      );
      await server.container.callStore.putTurn(
        sampleTurn('CA-three-years-ago', 1, {
          tool_calls: [
            {
              name: 'lookup_order',
              source: 'http',
              arguments: { order_id: '4412', email: '[email]' },
              status: 'failed',
              error: 'no answer within 4000 ms',
              latency_ms: 4_001,
            },
          ],
        }),
      );
      await go('#/calls?from=2023-03-01&to=2023-03-31');
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('+14155550123');
      expect(await page.getByLabel('From day').inputValue()).toBe('2023-03-01');
      await shot('09-calls-by-date');
      // Its page says whether earlier calls were recalled, and why.
      await rows.first().getByRole('link').first().click();
      await page.getByText('none recalled (number not verified; memory verified)').waitFor();
      // A turn that called one of the agent's tools shows it: how it went, why, its masked arguments.
      const toolCall = page.locator('.tool-call', { hasText: 'lookup_order' });
      await toolCall.waitFor();
      expect(await toolCall.textContent()).toContain('{"order_id":"4412","email":"[email]"}');
      expect(await toolCall.textContent()).toContain('no answer within 4000 ms');
      await page.getByText('1 (4001 ms waiting on tools)').waitFor();
      await shot('09b-call-with-tool');
      await go('#/calls?from=2023-04-01&to=2023-04-30');
      await page.getByText('No calls match these filters.').waitFor();
      await page.getByLabel('From day').fill('2023-04-30');
      await page.getByLabel('To day').fill('2023-04-01');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect
        .poll(() => page.locator('[data-field="to"] .field-error').textContent())
        .toContain('must not be before from');
    },
    STEP_MS,
  );

  it(
    'shows analytics: calls per day by outcome, latency per agent, extraction per field and cost',
    async () => {
      waterfallSid = await seedAnalytics(server.container.callStore);
      gatherSid = await seedGatherCall(server.container.callStore);
      await go('#/analytics');
      await page.getByRole('heading', { name: 'Calls per day by outcome' }).waitFor();
      // uPlot draws into a canvas once its script (served from our own host) has loaded.
      await page.locator('#outcomes-chart canvas').waitFor();
      await page.locator('#cost-chart canvas').waitFor();
      const legend = await page.locator('#outcomes-chart .u-legend').textContent();
      expect(legend).toContain('resolved');
      expect(legend).toContain('transferred');
      const tile = (name: string) => page.locator('.tile', { hasText: name }).locator('dd');
      expect(Number(await tile('Calls').textContent())).toBeGreaterThanOrEqual(20);
      expect(await tile('Transfers').textContent()).toMatch(/^[1-9]\d* \(\d+ %\)$/);
      const agents = page.locator('section', {
        has: page.getByRole('heading', { name: 'Turn latency and cost per agent' }),
      });
      const support = agents.getByRole('row', { name: /Customer support/ });
      expect(await support.textContent()).toMatch(/\d+ ms.*\d+ %.*\d+ ms/);
      expect(await tile('p95 server added (estimated)').textContent()).toMatch(/^\d+ ms$/);
      const fields = page.locator('section', {
        has: page.getByRole('heading', { name: 'Extraction per field' }),
      });
      expect(await fields.getByRole('row', { name: /Sales name/ }).textContent()).toContain('100 %');
      expect(await fields.getByRole('row', { name: /Sales email/ }).textContent()).toContain('0 %');
      // Every request stayed on this server: no outside host served the charts.
      const hosts = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((entry) => new URL(entry.name).host),
      );
      expect(new Set(hosts)).toEqual(new Set([new URL(server.url).host]));
      await shot('18-analytics');

      await page.getByLabel('Agent', { exact: true }).selectOption('sales-001');
      await page.getByRole('button', { name: 'Show' }).click();
      await expect.poll(() => page.url()).toContain('agent_id=sales-001');
      await page.locator('#outcomes-chart canvas').waitFor();
      expect(await agents.getByRole('row', { name: /Customer support/ }).count()).toBe(0);
    },
    STEP_MS,
  );

  it(
    "shows each turn's timeline as a waterfall on the call page",
    async () => {
      await go(`#/calls/${waterfallSid}`);
      const figures = page.locator('.waterfall');
      await figures.first().waitFor();
      expect(await figures.count()).toBe(2);
      expect(await figures.nth(0).locator('figcaption').textContent()).toBe(
        'Timeline: server added 7 ms, model first token 207 ms',
      );
      const second = figures.nth(1);
      expect(await second.getByRole('row', { name: /Tool: lookup_order/ }).textContent()).toContain(
        '60 ms → 420 ms',
      );
      expect(await second.getByRole('row', { name: /Twilio: agentSpeaking on/ }).textContent()).toContain(
        'at 640 ms',
      );
      const fact = (name: string) =>
        page.locator('.facts dt', { hasText: name }).locator('xpath=following-sibling::dd[1]');
      expect(await fact('Server added p50 / p95').textContent()).toBe('9 ms / 14 ms');
      expect(await second.getByRole('row', { name: /First text to Twilio/ }).textContent()).toContain(
        'at 489 ms',
      );
      await second.scrollIntoViewIfNeeded();
      await shot('19-call-waterfall');

      // A Gather turn's reply goes out as the TwiML answer, after the turn was stored.
      await go(`#/calls/${gatherSid}`);
      const gather = page.locator('.waterfall');
      await gather.first().waitFor();
      expect(await gather.count()).toBe(2);
      for (const [index, at] of [
        [0, 431],
        [1, 433],
      ] as const) {
        const answered = gather.nth(index).getByRole('row', { name: /TwiML answered/ });
        expect(await answered.textContent()).toContain(`at ${at} ms`);
      }
      expect(await gather.nth(0).locator('figcaption').textContent()).toBe(
        'Timeline: server added 13 ms, model first token 178 ms',
      );
    },
    STEP_MS,
  );

  it(
    'assigns and unassigns a phone number',
    async () => {
      await go('#/numbers');
      await page.getByText('No numbers are assigned yet.', { exact: false }).waitFor();
      await page.getByLabel('Phone number').fill('+1415');
      await page.getByLabel('Agent', { exact: true }).selectOption('browser-agent');
      await page.getByRole('button', { name: 'Assign number' }).click();
      await expect
        .poll(() => page.locator('[data-field="phone_number"] .field-error').textContent())
        .toContain('not a valid phone number');
      await page.getByLabel('Phone number').fill('+14155550100');
      await page.getByRole('button', { name: 'Assign number' }).click();
      const row = page.getByRole('row', { name: /\+14155550100/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('Browser test agent');
      await shot('10-numbers');
      await page.getByRole('button', { name: 'Unassign +14155550100' }).click();
      await page.getByText('No numbers are assigned yet.', { exact: false }).waitFor();
    },
    STEP_MS,
  );

  it(
    'renders a Hindi agent in Devanagari with Hindi voices',
    async () => {
      await go('#/agents/hindi-support-001');
      const greeting = page.getByLabel('Greeting');
      await greeting.waitFor();
      expect(await greeting.inputValue()).toMatch(/[\u0900-\u097F]/);
      const voices = await page.getByLabel('Voice', { exact: true }).locator('option').allTextContents();
      expect(voices).toEqual(VOICES_BY_LANGUAGE['hi-IN']);
      await shot('12-agent-hindi');
    },
    STEP_MS,
  );

  it(
    "runs the agent's tests from its page: no suite, results, and a broken suite",
    async () => {
      await go('#/agents/sales-001');
      await page.getByRole('button', { name: 'Run tests' }).click();
      await page.getByText('This agent has no test suite yet.').waitFor();

      await go('#/agents/browser-agent');
      // Hold the request so the loading look can be seen for sure.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/agents/browser-agent/test', async (route) => {
        await held;
        await route.continue();
      });
      const run = page.getByRole('button', { name: 'Run tests' });
      await run.focus();
      await page.keyboard.press('Enter');
      await page.getByText('Running the test scenarios').waitFor();
      expect(await run.isDisabled()).toBe(true);
      release();
      const results = page.locator('.test-results');
      await results.getByText('4 scenarios: 2 passed, 1 failed, 1 skipped').waitFor({ timeout: 30_000 });
      await page.unroute('**/agents/browser-agent/test');
      const row = (name: RegExp) => results.getByRole('row', { name });
      expect(await row(/collects the name and email/).textContent()).toContain('passed');
      expect(await row(/offers a refund/).textContent()).toMatch(/failed.*refund/);
      expect(await row(/persona over ConversationRelay/).textContent()).toMatch(/skipped.*gather transport/);
      // The persona call: who played the caller, a verdict per criterion, and its transcript.
      const persona = results.locator('.persona-result', { hasText: 'a persona who leaves her details' });
      await persona.getByText('The caller was played by the language model.').waitFor();
      const verdicts = await persona.locator('.verdict').allTextContents();
      expect(verdicts).toEqual([
        expect.stringMatching(/^passed data collected \(rules\): collected full_name "Asha Rao", email/),
        'passed goal met (model judge): turn 2 shows it',
        'passed no invented facts (model judge): turn 2 shows it',
        'passed help before collection (model judge): turn 2 shows it',
      ]);
      await persona.getByText(/^Transcript \(\d+ turns\)$/).click();
      await persona.locator('.persona-transcript').getByText('my name is Asha Rao').waitFor();
      expect(await run.isDisabled()).toBe(false);
      await results.scrollIntoViewIfNeeded();
      await shot('11-agent-tests');

      writeFileSync(join(suites, 'broken.yaml'), 'agent: browser-agent\nscenarios: not a list\n');
      try {
        await run.click();
        await results
          .getByRole('alert')
          .getByText(/broken\.yaml/)
          .waitFor();
        await results.getByRole('button', { name: 'Try again' }).waitFor();
      } finally {
        rmSync(join(suites, 'broken.yaml'));
      }
    },
    STEP_MS,
  );

  it(
    'refreshes a call in progress by itself',
    async () => {
      const inject = (url: string, payload: object) =>
        server.app.inject({ method: 'POST', url, headers: server.auth, payload });
      const started = (await inject('/web-calls', { agent_id: 'customer-support-001' })).json();
      await go(`#/calls/${started.call_sid}`);
      await page.getByText('In progress: this page refreshes by itself.').waitFor();
      await inject(`/web-calls/${started.call_sid}/messages`, { text: 'my name is Ravi Kumar' });
      await page.locator('.transcript').getByText('my name is Ravi Kumar').waitFor({ timeout: 10_000 });
      await inject(`/web-calls/${started.call_sid}/end`, {});
      await page.locator('.page-head').getByText('completed').waitFor({ timeout: 10_000 });
    },
    STEP_MS,
  );

  it(
    'is usable 375 px wide',
    async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      for (const [hash, name] of [
        [`#/calls/${encodeURIComponent(callSid)}`, '13-phone-call-page'],
        ['#/agents', '14-phone-agents'],
        ['#/agents/browser-agent', '15-phone-agent'],
        ['#/calls', '16-phone-calls'],
        ['#/numbers', '17-phone-numbers'],
        ['#/analytics', '20-phone-analytics'],
        [`#/calls/${waterfallSid}`, '21-phone-call-waterfall'],
      ] as const) {
        await go(hash);
        await page.locator('main h1').waitFor();
        await expect.poll(() => page.locator('.state-loading').count()).toBe(0);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, hash).toBeLessThanOrEqual(375);
        await shot(name);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    },
    STEP_MS,
  );

  it(
    'signs out',
    async () => {
      await go('#/agents');
      const [session] = await context.cookies();
      expect(session?.name).toBe('va_session');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin key').waitFor();
      const status = await page.evaluate(async () => (await fetch('/agents')).status);
      expect(status).toBe(401);
      // The server revoked the session: a copy of the old cookie is refused too.
      const copied = await fetch(`${server.url}/agents`, {
        headers: { cookie: `${session?.name}=${session?.value}` },
      });
      expect(copied.status).toBe(401);
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );
});
