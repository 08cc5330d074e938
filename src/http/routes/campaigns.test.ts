import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.js';

describe('campaigns API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, payload?: unknown, contentType?: string) =>
    t.app.inject({
      method,
      url,
      headers: { ...t.auth, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(payload !== undefined ? { payload: payload as string } : {}),
    });
  const create = async (body: Record<string, unknown> = {}) => {
    const response = await call('POST', '/campaigns', { name: 'Renewals', agent_id: 'sales-001', ...body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().campaign_id as string;
  };

  it('creates a draft with the defaults filled in, and lists it', async () => {
    const id = await create();
    const campaign = (await call('GET', `/campaigns/${id}`)).json();
    expect(campaign).toMatchObject({
      state: 'draft',
      calling_hours: { start: '09:00', end: '20:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      max_attempts: 3,
      retry_minutes: { no_answer: 120, busy: 30, failed: 60, voicemail: 240, hung_up_early: 1_440 },
      calls_per_minute: 10,
      max_concurrent: 5,
    });
    const listed = (await call('GET', '/campaigns?state=draft')).json();
    expect(listed.items.map((c: { campaign_id: string }) => c.campaign_id)).toContain(id);
  });

  it('refuses bad bodies naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ calling_hours: { start: '20:00', end: '09:00' } }, 'calling_hours.end'],
      [{ calling_hours: { start: '9am' } }, 'calling_hours.start'],
      [{ default_timezone: 'Mars/Olympus' }, 'default_timezone'],
      [{ max_attempts: 0 }, 'max_attempts'],
      [{ agent_id: 'no-such-agent' }, 'agent_id'],
      [{ surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/campaigns', { name: 'X', agent_id: 'sales-001', ...body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().issues.map((i: { field: string }) => i.field)).toContain(field);
    }
  });

  it('takes JSON contacts row by row and reports the bad ones', async () => {
    const id = await create({ default_timezone: 'America/Chicago' });
    const response = await call('POST', `/campaigns/${id}/contacts`, {
      contacts: [
        { number: '+14155550123', name: 'Asha', variables: { plan: 'gold' } },
        { number: '+14155550123' },
        { number: '+14155550124', timezone: 'Nowhere/Land' },
        { number: '+14155550125', variables: { 'Bad Name': 'x' } },
        { phone: '+14155550126' },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      added: 1,
      skipped: 4,
      issues: [
        { row: 2, field: 'number', message: 'a duplicate of row 1' },
        { row: 3, field: 'timezone', message: 'unknown time zone "Nowhere/Land"' },
        { row: 4, field: 'variables.Bad Name' },
        { row: 5, field: 'number' },
      ],
    });
    const again = await call('POST', `/campaigns/${id}/contacts`, 'number\n+14155550123\n', 'text/csv');
    expect(again.json().issues).toEqual([{ row: 2, field: 'number', message: 'already in this campaign' }]);
    const contact = (await call('GET', `/campaigns/${id}/contacts/%2B14155550123`)).json();
    expect(contact).toMatchObject({
      state: 'pending',
      zones: ['America/Los_Angeles'],
      variables: { plan: 'gold', name: 'Asha' },
      attempts: [],
    });
  });

  it('refuses to start a campaign whose hours can never be met, with the reason', async () => {
    const id = await create({
      start_at: '2026-03-07T00:00:00Z',
      end_at: '2026-03-09T00:00:00Z',
      calling_hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    });
    // Uploaded before the window, with a time zone whose weekend covers all of it.
    const upload = await call('POST', `/campaigns/${id}/contacts`, {
      contacts: [{ number: '+14155550123', timezone: 'America/Los_Angeles' }],
    });
    expect(upload.json().issues[0]).toMatchObject({
      field: 'timezone',
      message: expect.stringMatching(/never hold/),
    });
    const draft = await create({ end_at: '2020-01-01T00:00:00Z' });
    const started = await call('POST', `/campaigns/${draft}/start`);
    expect(started.statusCode).toBe(400);
    expect(started.json().message).toMatch(/no contacts/);
  });

  it('moves through its states and refuses moves that make no sense', async () => {
    const id = await create({
      calling_hours: {
        start: '00:00',
        end: '24:00',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      },
    });
    expect((await call('POST', `/campaigns/${id}/pause`)).statusCode).toBe(409);
    await call('POST', `/campaigns/${id}/contacts`, { contacts: [{ number: '+14155550123' }] });
    expect((await call('POST', `/campaigns/${id}/start`)).json().state).toBe('running');
    expect((await call('POST', `/campaigns/${id}/start`)).statusCode).toBe(409);
    expect((await call('POST', `/campaigns/${id}/pause`)).json().state).toBe('paused');
    expect((await call('POST', `/campaigns/${id}/resume`)).json().state).toBe('running');
    expect((await call('POST', `/campaigns/${id}/cancel`)).json().state).toBe('canceled');
    // An attempt being placed when it was canceled ends canceled too.
    await t.container.campaignScheduler.settled();
    const progress = (await call('GET', `/campaigns/${id}/progress`)).json();
    expect(progress.campaign.state).toBe('canceled');
    expect(progress.contacts).toBe(1);
    expect(progress.by_state).toEqual({ canceled: 1 });
  });

  it('answers 404 for an unknown campaign and 400 for a malformed id', async () => {
    expect((await call('GET', '/campaigns/cmp_0000000000000000')).statusCode).toBe(404);
    expect((await call('GET', '/campaigns/nope')).statusCode).toBe(400);
  });
});

describe('do-not-call API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('adds, reads, imports, lists and removes numbers, keeping who added each and when', async () => {
    const add = await t.app.inject({
      method: 'POST',
      url: '/do-not-call',
      headers: t.auth,
      payload: { phone_number: '+1 415 555 0123', reason: 'asked by email', added_by: 'maria@example.com' },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ phone_number: '+14155550123', added_by: 'maria@example.com' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/do-not-call',
      headers: t.auth,
      payload: { phone_number: '+14155550123' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().reason).toBe('asked by email');

    const imported = await t.app.inject({
      method: 'POST',
      url: '/do-not-call/import',
      headers: { ...t.auth, 'content-type': 'text/csv' },
      payload: 'phone_number,reason\n+14155550124,complaint\nnot a number,\n+14155550123,\n',
    });
    expect(imported.json()).toEqual({
      added: 1,
      already: 1,
      issues: [{ row: 3, field: 'phone_number', message: expect.stringMatching(/E\.164/) }],
    });
    const listed = await t.app.inject({ method: 'GET', url: '/do-not-call', headers: t.auth });
    expect(
      listed
        .json()
        .items.map((e: { phone_number: string }) => e.phone_number)
        .sort(),
    ).toEqual(['+14155550123', '+14155550124']);
    const entry = await t.app.inject({ method: 'GET', url: '/do-not-call/%2B14155550124', headers: t.auth });
    expect(entry.json()).toMatchObject({
      added_by: 'api',
      reason: 'complaint',
      added_at: expect.any(String),
    });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/do-not-call/%2B14155550124',
      headers: t.auth,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: '/do-not-call/%2B14155550124', headers: t.auth });
    expect(gone.statusCode).toBe(404);
  });
});
