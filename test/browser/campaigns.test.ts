// The campaign pages in a real headless Chromium against a real server with no Twilio account:
// a campaign created through the form (a bad contact row reported by row and field), started from
// its page and run to its end by the built-in simulator while the page shows live progress, its CSV
// export, and the do-not-call list. Screenshots go to test-results/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import { launchChromium } from '../support/chromium.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const XSS = '<img src=x onerror="window.__xss = 1">';
const STEP_MS = 60_000;
const CONTACTS = [
  'number,name,timezone,appointment',
  '+14155550123,Asha Rao,America/Los_Angeles,Tuesday',
  '+12125550134,Ben Okafor,,Wednesday',
  '+442079460123,Cara Jones,,Friday',
  '+19005550123,Premium line,,',
].join('\n');

describe('campaign pages in a browser', () => {
  let server: LiveServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startLiveServer({ RECORD_CALLS: 'false' });
    // As server.ts does once it listens: campaign calls are played by the built-in simulator.
    server.container.simulatedTelephony!.attach({
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      accountSid: server.container.secrets.twilioAccountSid,
      authToken: server.container.secrets.twilioAuthToken,
    });
    profile = mkdtempSync(join(tmpdir(), 'voice-agent-chromium-'));
    context = await launchChromium(profile);
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Admin key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
  }, STEP_MS);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it(
    'creates a campaign with its contacts, reporting the bad row',
    async () => {
      await page.getByRole('link', { name: 'Campaigns' }).click();
      await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
      await page.getByText('No campaigns yet.').waitFor();
      await page.getByLabel('Name', { exact: true }).fill(`Reminders ${XSS}`);
      await page.getByLabel('Agent', { exact: true }).selectOption('customer-support-001');
      await page.getByLabel('Calls from').fill('00:00');
      await page.getByLabel('Calls until').fill('00:00');
      for (const day of ['sat', 'sun']) await page.getByLabel(day).check();
      await page.getByLabel('Calls per minute').fill('60');
      await page.getByLabel('Attempts per contact').fill('1');
      await page.getByLabel(/^Contacts/).fill(CONTACTS);
      await page.getByRole('button', { name: 'Create campaign' }).click();
      await page.getByText('with 3 contacts').waitFor();
      await expect.poll(() => page.locator('.issues').textContent()).toMatch(/Row 5, number: premium-rate/);
      await page.locator('table').getByText('Reminders').waitFor();
      await shot('campaigns-01-created');
    },
    STEP_MS,
  );

  it(
    'starts it and shows live progress until it completes, with per-contact results and the export',
    async () => {
      await page
        .locator('table')
        .getByRole('link', { name: /^Reminders/ })
        .click();
      await page.getByRole('heading', { name: /^Reminders/ }).waitFor();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      // The page refreshes itself: no reload until the campaign has ended.
      await page.locator('.sub .badge', { hasText: 'completed' }).waitFor({ timeout: 45_000 });
      await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
      await expect.poll(() => page.locator('tbody').textContent()).toMatch(/\+14155550123.*Asha Rao/);
      expect(await page.locator('.counts').first().textContent()).toMatch(/3 contacts, \d+ calls/);
      await shot('campaigns-02-completed');
      const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
      expect(csv.split('\r\n')[0]).toMatch(/^row,number,name,state,attempts,last_outcome/);
      expect(csv).toContain('Asha Rao');
    },
    STEP_MS,
  );

  it(
    'adds a number to the do-not-call list, kept with who added it',
    async () => {
      await page.getByRole('link', { name: 'Do not call' }).click();
      await page.getByRole('heading', { name: 'Do-not-call list' }).waitFor();
      await page.getByLabel('Phone number').fill('+14155550199');
      await page.getByLabel('Reason (optional)').fill('asked by letter');
      await page.getByRole('button', { name: 'Add number' }).click();
      const row = page.locator('tbody tr', { hasText: '+14155550199' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/dashboard.*asked by letter/);
      await shot('campaigns-03-do-not-call');
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );
});
