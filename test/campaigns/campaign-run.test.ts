// A campaign of a few hundred contacts across time zones, run to its end on a fake clock by two
// scheduler instances (one of them restarted halfway) against the real server: the real
// CallService places each attempt through the fake Twilio REST server, and the called people answer,
// don't, are busy, fail, have a machine answer, hang up, or ask not to be called again, with status
// callbacks sent as Twilio sends them.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/domain/call.js';
import type { Campaign, CampaignAttempt, CampaignContact } from '../../src/domain/campaign.js';
import { CampaignScheduler, type SchedulerOptions } from '../../src/services/campaigns/campaign-scheduler.js';
import type { Container } from '../../src/container.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { TwilioCallPlayer, type PlayedOutcome } from '../fakes/twilio-call-player.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest-server.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const START = Date.parse('2026-03-05T00:00:00Z'); // a Thursday; US clocks change on 2026-03-08
const END_AT = '2026-03-14T00:00:00Z';
const HOLIDAY = '2026-03-09'; // the Monday after the US clock change
const SCHEDULER: Partial<SchedulerOptions> = { pollMs: 60 * 60_000, watchdogMs: 10 * 60_000 };
const CAMPAIGN = {
  name: 'Spring check-ups',
  agent_id: 'dental-reminders',
  start_at: new Date(START).toISOString(),
  end_at: END_AT,
  holidays: [HOLIDAY],
  calling_hours: { start: '09:00', end: '20:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  max_attempts: 3,
  retry_minutes: { no_answer: 600, busy: 60, failed: 180, voicemail: 1_440, hung_up_early: 2_880 },
  calls_per_minute: 6,
  max_concurrent: 4,
};

// Numbers by place, with the zones a person there lives in (what the test checks hours against).
const PLACES: { prefix: string; count: number; zones: string[]; timezone?: string }[] = [
  { prefix: '+121255501', count: 50, zones: ['America/New_York'] },
  { prefix: '+131255501', count: 40, zones: ['America/Chicago'] },
  { prefix: '+141555501', count: 40, zones: ['America/Los_Angeles'] },
  { prefix: '+180855501', count: 25, zones: ['Pacific/Honolulu'] },
  { prefix: '+190755501', count: 15, zones: ['America/Adak', 'America/Anchorage'] },
  { prefix: '+44207946', count: 40, zones: ['Europe/London'] },
  { prefix: '+9198765', count: 30, zones: ['Asia/Kolkata'], timezone: 'Asia/Kolkata' },
];

function numbersOf(place: (typeof PLACES)[number]): string[] {
  const width = place.prefix.startsWith('+9198765') ? 5 : place.prefix.startsWith('+44') ? 4 : 2;
  return Array.from({ length: place.count }, (_, i) => place.prefix + String(i).padStart(width, '0'));
}
const CONTACTS = PLACES.flatMap((place) =>
  numbersOf(place).map((number, i) => ({ number, zones: place.zones, timezone: place.timezone, i })),
);
const ZONES = new Map(CONTACTS.map((c) => [c.number, c.zones]));
const LISTED = CONTACTS.filter((_, i) => i % 37 === 5).map((c) => c.number);
const OPTING_OUT = new Set(CONTACTS.filter((_, i) => i % 41 === 7).map((c) => c.number));

function outcomeFor(to: string, nth: number): PlayedOutcome {
  if (OPTING_OUT.has(to)) return 'opt-out';
  const roll = createHash('sha256').update(`${to}#${nth}`).digest().readUInt16BE(0) % 100;
  if (roll < 40) return 'answered';
  if (roll < 55) return 'no-answer';
  if (roll < 65) return 'busy';
  if (roll < 73) return 'failed';
  if (roll < 88) return 'voicemail';
  return 'hang-up';
}

const csvText = [
  'phone,name,timezone,appointment',
  ...CONTACTS.map((c, i) => `${c.number},Person ${i},${c.timezone ?? ''},March ${20 + (i % 9)}`),
  'not-a-number,Bad Row,,',
  '+19005550123,Premium,,',
  '+33142685300,Paris,,',
  `${CONTACTS[0]!.number},Duplicate,,`,
  '+12125550999,Nowhere,Mars/Olympus,',
].join('\r\n');

let twilio: FakeTwilioRest;
let server: LiveServer;
let container: Container;
let clock: FakeClock;
let player: TwilioCallPlayer;
const extraSchedulers: CampaignScheduler[] = [];

function newScheduler(): CampaignScheduler {
  const scheduler = new CampaignScheduler({
    store: container.campaignStore,
    pacer: container.pacerStore,
    doNotCall: container.doNotCallStore,
    calls: container.callStore,
    placeCall: (request, campaign, key) => container.calls.startCampaignCall(request, campaign, key),
    clock,
    logger: container.logger,
    options: SCHEDULER,
  });
  extraSchedulers.push(scheduler);
  return scheduler;
}

const api = async (method: 'GET' | 'POST', url: string, payload?: unknown, contentType?: string) => {
  const response = await server.app.inject({
    method,
    url,
    headers: { ...server.auth, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload !== undefined ? { payload: payload as string } : {}),
  });
  return { status: response.statusCode, json: () => response.json(), body: response.body };
};

beforeAll(async () => {
  clock = new FakeClock(START, async () => {
    for (const scheduler of [container.campaignScheduler, ...extraSchedulers]) await scheduler.settled();
    await container.finalizer.drain();
  });
  player = new TwilioCallPlayer(clock, {
    outcomeFor,
    ringMs: 20_000,
    talkMs: (to) => 60_000 + (to.charCodeAt(to.length - 1) % 5) * 30_000,
  });
  twilio = await startFakeTwilioRest({ onCallCreated: player.onCallCreated });
  server = await startLiveServer(
    {
      TWILIO_API_URL: twilio.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_PHONE_NUMBER: '+14155550100',
      RECORD_CALLS: 'false',
      CALLS_PER_MINUTE: '10000',
    },
    { container: { campaigns: { clock, scheduler: SCHEDULER } } },
  );
  container = server.container;
  player.attach(server.simulator);
}, 60_000);

afterAll(async () => {
  for (const scheduler of extraSchedulers) await scheduler.stop();
  await server?.close();
  await twilio?.close();
});

describe('a campaign across time zones on a fake clock', () => {
  let campaign: Campaign;

  it('sets up: agent, do-not-call list, campaign, contacts with bad rows reported and skipped', async () => {
    const agent = await api('POST', '/agents', {
      agent_id: 'dental-reminders',
      name: 'Dental reminders',
      prompt: 'You remind {{first_name}} of the check-up on {{appointment}}.',
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      greeting: 'Hi {{first_name}}, this is Acme Dental about your check-up on {{appointment}}.',
      voicemail_message: 'Hi {{first_name}}, this is Acme Dental. Please call us back.',
    });
    expect(agent.status, agent.body).toBe(201);
    for (const number of LISTED) {
      const added = await api('POST', '/do-not-call', { phone_number: number, reason: 'asked by email' });
      expect(added.status).toBe(201);
      expect(added.json()).toMatchObject({ phone_number: number, added_by: 'api' });
    }

    const created = await api('POST', '/campaigns', CAMPAIGN);
    expect(created.status, created.body).toBe(201);
    campaign = created.json();
    expect(campaign.state).toBe('draft');

    const refused = await api('POST', `/campaigns/${campaign.campaign_id}/start`);
    expect(refused.status).toBe(400);
    expect(refused.json().message).toMatch(/no contacts/);

    const uploaded = await api('POST', `/campaigns/${campaign.campaign_id}/contacts`, csvText, 'text/csv');
    expect(uploaded.status, uploaded.body).toBe(200);
    const result = uploaded.json();
    expect(result.added).toBe(CONTACTS.length);
    const badRow = CONTACTS.length + 2;
    expect(result.issues).toEqual([
      { row: badRow, field: 'number', message: expect.stringMatching(/E\.164/) },
      { row: badRow + 1, field: 'number', message: expect.stringMatching(/premium/) },
      { row: badRow + 2, field: 'number', message: expect.stringMatching(/not allowed/) },
      { row: badRow + 3, field: 'number', message: 'a duplicate of row 2' },
      { row: badRow + 4, field: 'timezone', message: expect.stringMatching(/unknown time zone/) },
    ]);
  });

  it('runs to completion with two instances, one of them restarted halfway', async () => {
    const started = await api('POST', `/campaigns/${campaign.campaign_id}/start`);
    expect(started.status, started.body).toBe(200);
    newScheduler().start();
    const completed = async () =>
      (await container.campaignStore.getCampaign(campaign.campaign_id))?.state === 'completed';
    await clock.runUntil(completed, Date.parse('2026-03-06T18:00:00Z'));
    // A restart: this instance stops, a new one takes over from what is stored.
    await container.campaignScheduler.stop();
    newScheduler().start();
    expect(await clock.runUntil(completed, Date.parse(END_AT) + 86_400_000)).toBe(true);
  }, 300_000);

  it('called nobody outside their hours or on a holiday, and nobody on the do-not-call list', () => {
    expect(player.calls.length).toBeGreaterThan(CONTACTS.length);
    for (const call of player.calls) {
      for (const zone of ZONES.get(call.to)!) {
        const local = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          weekday: 'short',
          hour: '2-digit',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        }).formatToParts(call.createdAt);
        const part = (type: string) => local.find((p) => p.type === type)!.value;
        const hour = Number(part('hour'));
        expect({ to: call.to, zone, hour, weekday: part('weekday') }).toMatchObject({
          hour: expect.toSatisfy((h: number) => h >= 9 && h < 20),
          weekday: expect.toSatisfy((d: string) => !['Sat', 'Sun'].includes(d)),
        });
        expect(`${part('year')}-${part('month')}-${part('day')}`).not.toBe(HOLIDAY);
      }
      expect(LISTED).not.toContain(call.to);
    }
  });

  it('never gave a contact more attempts than allowed or two calls at once, and a "stop calling me" ended them', () => {
    const byNumber = new Map<string, typeof player.calls>();
    for (const call of player.calls) byNumber.set(call.to, [...(byNumber.get(call.to) ?? []), call]);
    const delay: Partial<Record<PlayedOutcome, number>> = {
      'no-answer': CAMPAIGN.retry_minutes.no_answer,
      busy: CAMPAIGN.retry_minutes.busy,
      failed: CAMPAIGN.retry_minutes.failed,
      voicemail: CAMPAIGN.retry_minutes.voicemail,
      'hang-up': CAMPAIGN.retry_minutes.hung_up_early,
    };
    let retried = 0;
    for (const [number, calls] of byNumber) {
      expect(calls.length, number).toBeLessThanOrEqual(CAMPAIGN.max_attempts);
      for (let i = 1; i < calls.length; i += 1) {
        const previous = calls[i - 1]!;
        expect(previous.outcome).not.toBe('answered');
        // The retry waits at least the delay for the previous outcome, counted from its end.
        expect(calls[i]!.createdAt - previous.endedAt!).toBeGreaterThanOrEqual(
          delay[previous.outcome]! * 60_000,
        );
        retried += 1;
      }
      if (OPTING_OUT.has(number)) {
        expect(calls).toHaveLength(1);
        expect(calls[0]!.heard.at(-1)).toMatch(/off our calling list/);
      }
    }
    expect([...OPTING_OUT].every((n) => byNumber.has(n) || LISTED.includes(n))).toBe(true);
    expect(retried).toBeGreaterThan(50);
    // The run crossed the weekend, the US clock change (2026-03-08) and the holiday after it: the
    // retries that fell on the holiday were called the next day.
    expect(player.calls.some((c) => c.createdAt > Date.parse('2026-03-10T00:00:00Z'))).toBe(true);
  });

  it('held the pace and the cap', () => {
    const starts = player.calls.map((c) => c.createdAt).sort((a, b) => a - b);
    for (let i = 0; i < starts.length; i += 1) {
      const inMinute = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 60_000).length;
      expect(inMinute).toBeLessThanOrEqual(CAMPAIGN.calls_per_minute + 1);
    }
    const events = player.calls.flatMap((c) => [
      [c.createdAt, 1],
      [c.endedAt!, -1],
    ]) as [number, number][];
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let most = 0;
    for (const [, change] of events) {
      open += change;
      most = Math.max(most, open);
    }
    expect(most).toBeLessThanOrEqual(CAMPAIGN.max_concurrent);
    expect(most).toBeGreaterThan(1);
  });

  it('ended every attempt in a result, and every contact in a final state', async () => {
    const contacts: CampaignContact[] = [];
    await container.campaigns.eachContact(campaign.campaign_id, (c) => void contacts.push(c));
    expect(contacts).toHaveLength(CONTACTS.length);
    const attempts: CampaignAttempt[] = [];
    for (const contact of contacts) {
      expect(['reached', 'exhausted', 'do_not_call', 'expired']).toContain(contact.state);
      attempts.push(...(await container.campaignStore.listAttempts(contact.contact_key)));
      if (LISTED.includes(contact.number)) expect(contact.state).toBe('do_not_call');
      if (OPTING_OUT.has(contact.number) && !LISTED.includes(contact.number)) {
        expect(contact.state).toBe('do_not_call');
        expect(await container.doNotCallStore.get(contact.number)).toMatchObject({ added_by: 'caller' });
      }
    }
    expect(attempts).toHaveLength(player.calls.length);
    for (const attempt of attempts) expect(attempt.outcome).toBeDefined();
    for (const call of player.calls) {
      const stored = await container.callStore.get(call.sid);
      expect(stored?.campaign?.campaign_id).toBe(campaign.campaign_id);
      expect(isTerminal(stored!.status)).toBe(true);
    }
  });

  it('greeted each person by name and left a personal voicemail', () => {
    const answered = player.calls.find((c) => c.outcome === 'answered')!;
    const row = CONTACTS.findIndex((c) => c.number === answered.to);
    expect(answered.heard[0]).toBe(
      `Hi Person, this is Acme Dental about your check-up on March ${20 + (row % 9)}.`,
    );
    const voicemail = player.calls.find((c) => c.outcome === 'voicemail')!;
    expect(voicemail.heard).toEqual(['Hi Person, this is Acme Dental. Please call us back.']);
  });

  it('reports progress and exports the results as CSV', async () => {
    const progress = (await api('GET', `/campaigns/${campaign.campaign_id}/progress`)).json();
    expect(progress.campaign.state).toBe('completed');
    expect(progress.contacts).toBe(CONTACTS.length);
    expect(progress.attempts).toBe(player.calls.length);
    expect(progress.by_state.reached).toBeGreaterThan(0);
    const exported = await api('GET', `/campaigns/${campaign.campaign_id}/export`);
    expect(exported.status).toBe(200);
    const lines = exported.body.trim().split('\r\n');
    expect(lines).toHaveLength(CONTACTS.length + 1);
    expect(lines[0]).toMatch(
      /^row,number,name,state,attempts,last_outcome,result,time_zones,call_sid,call_outcome,summary/,
    );
    expect(lines[0]).toContain('var.appointment');
  });
});
