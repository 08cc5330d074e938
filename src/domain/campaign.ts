// Outbound campaigns: an agent calling a list of people inside their own calling hours, with retries
// by outcome, a pace and a cap. See docs/decisions/0022-campaign-scheduler.md.
import { z } from 'zod';

export const CAMPAIGN_STATES = ['draft', 'running', 'paused', 'completed', 'canceled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** How one attempt ended. `answered` reached a person; the others may be retried. */
export const ATTEMPT_OUTCOMES = [
  'answered',
  'no_answer',
  'busy',
  'failed',
  'voicemail',
  'hung_up_early',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export const RETRY_OUTCOMES = ['no_answer', 'busy', 'failed', 'voicemail', 'hung_up_early'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

/**
 * pending: waiting for its first attempt or a retry; dialing: claimed, the call is being placed;
 * in_call: placed, waiting for its end. The rest are final.
 */
export const CONTACT_STATES = [
  'pending',
  'dialing',
  'in_call',
  'reached',
  'do_not_call',
  'exhausted',
  'skipped',
  'canceled',
  'expired',
] as const;
export type ContactState = (typeof CONTACT_STATES)[number];
export const ACTIVE_CONTACT_STATES: readonly ContactState[] = ['pending', 'dialing', 'in_call'];

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = z.string().regex(HH_MM, 'a time of day as HH:MM, e.g. 09:00');
// 24:00 ends the hours at midnight: a campaign may call all day.
const endOfHours = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day as HH:MM (or 24:00)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const dateTime = z.iso.datetime({ offset: true, message: 'a date-time such as 2026-05-01T09:00:00Z' });

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'an IANA time zone such as America/Chicago');

export const callingHoursSchema = z
  .object({
    start: hhmm.default('09:00'),
    end: endOfHours.default('20:00'),
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'at least one day')
      .max(7)
      .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  })
  .strict()
  .refine((hours) => hours.start < hours.end, { path: ['end'], message: 'must be after start' });
export type CallingHours = z.output<typeof callingHoursSchema>;

// A minute to a week; null: this outcome is not retried.
const retryDelay = (fallback: number) => z.number().int().min(1).max(10_080).nullable().default(fallback);
export const retryMinutesSchema = z
  .object({
    no_answer: retryDelay(120),
    busy: retryDelay(30),
    failed: retryDelay(60),
    voicemail: retryDelay(240),
    hung_up_early: retryDelay(1_440),
  })
  .strict();

export const campaignCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    agent_id: z.string().min(1).max(64),
    from: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +14155550100')
      .optional()
      .describe('Our Twilio number the calls come from (default TWILIO_PHONE_NUMBER)'),
    start_at: dateTime.optional().describe('No call before this time (default: when started)'),
    end_at: dateTime.optional().describe('No call after this time; contacts left then are expired'),
    calling_hours: callingHoursSchema
      .default({ start: '09:00', end: '20:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] })
      .describe("In each contact's local time"),
    holidays: z
      .array(isoDate)
      .max(366)
      .default([])
      .describe("Local dates with no calls (in each contact's time zone)"),
    default_timezone: timeZoneSchema
      .optional()
      .describe('For contacts whose time zone neither they nor their number give'),
    max_attempts: z.number().int().min(1).max(10).default(3),
    retry_minutes: retryMinutesSchema.default({
      no_answer: 120,
      busy: 30,
      failed: 60,
      voicemail: 240,
      hung_up_early: 1_440,
    }),
    calls_per_minute: z.number().int().min(1).max(1_000).default(10),
    max_concurrent: z.number().int().min(1).max(100).default(5),
    machine_detection: z
      .boolean()
      .default(true)
      .describe("Answering-machine detection: leaves the agent's voicemail_message on a machine"),
  })
  .strict()
  .refine((c) => !c.start_at || !c.end_at || Date.parse(c.start_at) < Date.parse(c.end_at), {
    path: ['end_at'],
    message: 'must be after start_at',
  });
export type CampaignInput = z.output<typeof campaignCreateSchema>;

export interface Campaign extends CampaignInput {
  campaign_id: string;
  state: CampaignState;
  /** Why the campaign paused itself (its agent became unusable), or why it completed. */
  state_reason?: string;
  contact_count: number;
  /** The distinct time-zone sets of its contacts, "A B" joined by spaces (checked at start). */
  zone_sets: string[];
  /** The agent's call limit when the campaign started: how long a pacer slot is held at most. */
  max_call_seconds?: number;
  created_at: string;
  updated_at: string;
  started_at?: string;
  completed_at?: string;
  version: number;
}

const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_VARIABLES = 20;
export const MAX_VARIABLE_CHARS = 200;

/** One contact as uploaded (a CSV row or a JSON object). */
export const contactInputSchema = z
  .object({
    number: z.string().min(1).max(32),
    name: z.string().trim().max(100).optional(),
    timezone: z.string().max(64).optional(),
    variables: z
      .record(
        z.string().regex(VARIABLE_NAME, 'lower-case letters, digits and "_", starting with a letter'),
        z.string().max(MAX_VARIABLE_CHARS),
      )
      .refine((v) => Object.keys(v).length <= MAX_VARIABLES, `at most ${MAX_VARIABLES} variables`)
      .optional(),
  })
  .strict();
export type ContactInput = z.infer<typeof contactInputSchema>;

/** A contact's job status: `<campaign_id>#<state>`, so each campaign's queue is its own partition. */
export const contactStatus = (campaignId: string, state: ContactState) => `${campaignId}#${state}`;

export const ZONE_SOURCES = ['contact', 'number', 'country', 'campaign'] as const;

export interface CampaignContact {
  /** `${campaign_id}#${number}`: one contact per number in a campaign. */
  contact_key: string;
  campaign_id: string;
  number: string;
  /** Upload order, from 1. */
  row: number;
  name?: string;
  variables?: Record<string, string>;
  /** Where the contact may be: one zone, or every zone of its country (all must be inside hours). */
  zones: string[];
  zone_source: (typeof ZONE_SOURCES)[number];
  state: ContactState;
  /** Job status for the StatusIndex: `${campaign_id}#${state}`. */
  status: string;
  /** Claims so far (a claim whose instance died is claimed again). */
  attempts: number;
  /** Calls placed so far. */
  attempt_count: number;
  /** The attempt number being placed: its idempotency key survives a crash between claim and call. */
  dial_attempt?: number;
  /** pending: when due; dialing: lease end; in_call: when to check a call whose end never came. */
  next_attempt_at: string;
  lease_until?: string;
  /** The pacer slot the current attempt holds. */
  slot?: number;
  call_sid?: string;
  last_outcome?: AttemptOutcome;
  /** Why the contact ended as it did, in words. */
  result?: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CampaignAttempt {
  contact_key: string;
  attempt: number;
  campaign_id: string;
  number: string;
  call_sid?: string;
  started_at?: string;
  ended_at?: string;
  outcome?: AttemptOutcome;
  call_status?: string;
  answered_by?: string;
  /** Why the call could not be placed. */
  error?: string;
}

/** A number nobody may call, with who added it and when. */
export interface DoNotCallEntry {
  phone_number: string;
  added_by: string;
  added_at: string;
  reason?: string;
  call_sid?: string;
}

/** The link between a campaign's attempt and its call item. */
export interface CampaignLink {
  campaign_id: string;
  contact_key: string;
  attempt: number;
}
