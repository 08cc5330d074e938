// The dashboard in a real headless Chromium against a real server: sign-in, an agent created
// through the form, a web call typed to the end, its call page, escaping, and a phone-sized screen.
// Screenshots of every page go to test-results/screenshots/ (git-ignored). Chromium comes from
// Debian (scripts/ensure-browser.sh); playwright-core never downloads a browser.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOICES_BY_LANGUAGE } from '../../src/domain/voices.js';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const XSS = '<img src=x onerror="window.__xss = 1">';
const STEP_MS = 60_000;

describe('dashboard in a browser', () => {
  let server: LiveServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let callSid = '';
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const go = async (hash: string) => {
    await page.goto(`${server.url}/${hash}`);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run scripts/ensure-browser.sh (apt-get install chromium)`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startLiveServer();
    profile = mkdtempSync(join(tmpdir(), 'voice-agent-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, STEP_MS);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
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
      await send('asha.rao@example.com', 4);
      await shot('04-web-call');
      await send('yes', 5);
      await page.getByText(/The call ended/).waitFor();
      expect(await page.getByRole('button', { name: 'Hang up' }).isVisible()).toBe(false);
      expect(await log.locator('img').count()).toBe(0);
      await shot('05-web-call-ended');
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

      const collected = page.locator('section', {
        has: page.getByRole('heading', { name: 'Data collected' }),
      });
      await collected.getByRole('row', { name: /full_name Asha Rao turn 2/ }).waitFor();
      await collected.getByRole('row', { name: /email asha\.rao@example\.com turn 4/ }).waitFor();
      await page.getByText('completed').first().waitFor();
      // Summary and outcome are written in the background after the end; the page refreshes.
      await page
        .locator('section', { has: page.getByRole('heading', { name: 'Summary' }) })
        .getByText(/Asha Rao/)
        .waitFor({ timeout: 20_000 });
      await collected.getByRole('button', { name: 'turn 4' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('turn-4');
      await shot('06-call-page');
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
      await shot('07-calls');
      await go('#/calls?agent_id=sales-001');
      await page.getByText('No calls match these filters.').waitFor();
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
      await shot('08-numbers');
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
      await shot('09-agent-hindi');
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
        [`#/calls/${encodeURIComponent(callSid)}`, '10-phone-call-page'],
        ['#/agents', '11-phone-agents'],
        ['#/agents/browser-agent', '12-phone-agent'],
        ['#/calls', '13-phone-calls'],
        ['#/numbers', '14-phone-numbers'],
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
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin key').waitFor();
      const status = await page.evaluate(async () => (await fetch('/agents')).status);
      expect(status).toBe(401);
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );
});
