import { describe, expect, it } from 'vitest';
import { campaignCreateSchema, type Campaign } from '../../domain/campaign.js';
import { attemptOutcome, nextStep } from './attempt-outcome.js';
import { planSlot } from './pace.js';

const campaign = {
  ...campaignCreateSchema.parse({
    name: 'c',
    agent_id: 'a',
    max_attempts: 3,
    retry_minutes: { voicemail: null },
    end_at: '2026-03-20T00:00:00Z',
  }),
} as Campaign;
const zones = ['America/New_York'];
const now = Date.parse('2026-03-10T15:00:00Z'); // Tuesday 11:00 in New York

describe('attemptOutcome', () => {
  it.each([
    [{ status: 'busy' }, 'busy'],
    [{ status: 'no-answer' }, 'no_answer'],
    [{ status: 'failed' }, 'failed'],
    [{ status: 'canceled' }, 'failed'],
    [{ status: 'completed', answered_by: 'machine_end_beep', turn_count: 0 }, 'voicemail'],
    [{ status: 'completed', answered_by: 'human', turn_count: 1, ended_by: 'user' }, 'hung_up_early'],
    [{ status: 'completed', turn_count: 4, ended_by: 'user' }, 'answered'],
    [{ status: 'completed', turn_count: 1, ended_by: 'system_silence' }, 'answered'],
  ] as const)('%o is %s', (call, outcome) => {
    expect(attemptOutcome({ turn_count: 0, ...call })).toBe(outcome);
  });
});

describe('nextStep', () => {
  it('is done once answered', () => {
    expect(nextStep(campaign, { zones, attempt_count: 1 }, 'answered', now)).toEqual({
      state: 'reached',
      result: 'answered',
    });
  });

  it("retries after the outcome's delay, inside the contact's hours", () => {
    // 30 minutes after a busy line: 11:30 the same day.
    expect(nextStep(campaign, { zones, attempt_count: 1 }, 'busy', now)).toEqual({
      state: 'pending',
      next_attempt_at: '2026-03-10T15:30:00.000Z',
    });
    // A day after a hang-up lands on Wednesday 11:00.
    expect(nextStep(campaign, { zones, attempt_count: 1 }, 'hung_up_early', now)).toMatchObject({
      next_attempt_at: '2026-03-11T15:00:00.000Z',
    });
  });

  it('stops at the attempt limit, on an outcome never retried, and at the end', () => {
    expect(nextStep(campaign, { zones, attempt_count: 3 }, 'busy', now).state).toBe('exhausted');
    expect(nextStep(campaign, { zones, attempt_count: 1 }, 'voicemail', now).state).toBe('exhausted');
    const ending = { ...campaign, end_at: '2026-03-10T15:10:00Z' };
    expect(nextStep(ending, { zones, attempt_count: 1 }, 'busy', now).state).toBe('expired');
  });
});

describe('planSlot', () => {
  const pace = { calls_per_minute: 60, max_concurrent: 2 };
  it('keeps the cadence when a little late, restarts it after a pause, and waits for a free slot', () => {
    expect(planSlot({ next_slot_ms: 1_000, slots: {} }, pace, 1_200, 5_000)).toEqual({
      slot: 0,
      nextSlotMs: 2_000,
    });
    expect(planSlot({ next_slot_ms: 1_000, slots: {} }, pace, 9_000, 5_000)).toEqual({
      slot: 0,
      nextSlotMs: 10_000,
    });
    expect(planSlot({ next_slot_ms: 3_000, slots: {} }, pace, 2_000, 5_000)).toEqual({ waitUntilMs: 3_000 });
    const busy = { contact_key: 'c#1', attempt: 1, until_ms: 99_000 };
    expect(planSlot({ next_slot_ms: 0, slots: { 0: busy } }, pace, 2_000, 5_000)).toMatchObject({ slot: 1 });
    expect(planSlot({ next_slot_ms: 0, slots: { 0: busy, 1: busy } }, pace, 2_000, 5_000)).toEqual({
      waitUntilMs: 7_000,
      busy: true,
    });
    // A holder whose time ran out no longer counts.
    const expired = { ...busy, until_ms: 1_000 };
    expect(planSlot({ next_slot_ms: 0, slots: { 0: busy, 1: expired } }, pace, 2_000, 5_000)).toMatchObject({
      slot: 1,
    });
  });
});
