// The vocabulary of a simulated call: its states, what the caller heard, what went wrong.
import type { StatusEvent } from './twilio-params.js';
import type { SentWebhook, WebhookResult, WebhookSender } from './webhook-sender.js';

export type CallState = 'ringing' | 'in-progress' | 'awaiting-input' | 'in-relay' | 'in-stream' | 'ended';
export type EndReason =
  | 'hangup-verb'
  | 'end-of-twiml'
  | 'caller-hung-up'
  | 'application-error'
  | 'rejected'
  | 'dialed'
  | 'not-answered';

export interface TranscriptEntry {
  speaker: 'agent' | 'caller';
  /** Spoken text; empty for silence and digits. */
  text: string;
  voice?: string;
  language?: string;
  confidence?: number;
  event?: 'silence' | 'digits' | 'play' | 'hangup';
  digits?: string;
}

/** A failure Twilio would log as a debugger error (11200 HTTP error, 11205 timeout, 12100 bad TwiML, 12300 bad content type). */
export interface ApplicationError {
  code: 11200 | 11205 | 12100 | 12300;
  url: string;
  status: number;
  detail: string;
}

/** A recording the call asked Twilio for: `Record` on the REST create, or `<Start><Recording>`. */
export interface RecordingRequest {
  /** RecordingSource Twilio reports (its enum has no TwiML-specific value; see docs/decisions/0008). */
  source: 'OutboundAPI' | 'StartCallRecordingAPI';
  /** Where Twilio posts recording status callbacks; absent: it records and tells no one. */
  statusCallbackUrl?: string;
  statusCallbackMethod: string;
  /** The events the callback subscribed to (Twilio's default: completed). */
  events: string[];
  /** RecordingChannels as Twilio reports it: 1 (mono) or 2 (dual). */
  channels: 1 | 2;
  track: string;
}

/** `Record=true` and its recording options on a REST call create. */
export interface RestRecordingOptions {
  statusCallbackUrl?: string;
  statusCallbackMethod?: string;
  /** RecordingStatusCallbackEvent; default completed. */
  events?: string[];
  /** RecordingChannels; Twilio's default for Record is mono. */
  channels?: 'mono' | 'dual';
  track?: 'inbound' | 'outbound' | 'both';
}

export interface CallContext {
  sender: WebhookSender;
  statusCallbackUrl?: string;
  statusEvents: readonly StatusEvent[];
  fallbackUrl?: string;
  answeredBy?: string;
  /** The REST create asked for a recording (Record=true). */
  record?: RestRecordingOptions;
  now: () => number;
}

export interface Exchange {
  kind:
    'voice' | 'action' | 'redirect' | 'status' | 'recording' | 'relay-action' | 'stream-action' | 'fallback';
  request: SentWebhook;
  response: WebhookResult;
}

export type ScriptLine =
  string | { say: string; confidence?: number } | { silence: true } | { press: string } | { hangUp: true };

// Twilio's own words when our webhook fails and no fallback URL answers.
export const APPLICATION_ERROR_TEXT = "We're sorry, an application error has occurred. Goodbye.";
