import type { IdleClock } from '../../engine/turn-clocks.js';

/** The clocks of a relay socket: its own setup wait, and what it asks of the call's turn runner. */
export interface RelayTiming extends IdleClock {
  /** How long a new socket may stay open without sending `setup` before it is closed. */
  setupMs: number;
  /** How long a reply may take to start before a short filler line covers the wait. */
  fillerMs: number;
}

// Twilio sends `setup` the moment the socket opens; a socket still silent after this is not Twilio.
export const RELAY_SETUP_TIMEOUT_MS = 5_000;

// Twilio reports no end of playback without the `events` attribute, so the idle clock starts once
// the text sent has probably been spoken: about 150 spoken words a minute, at about 6 characters a
// word with its space, is ~70 ms a character (docs/decisions/0005-relay-voice-and-clocks.md).
export const DEFAULT_RELAY_TIMING: RelayTiming = {
  setupMs: RELAY_SETUP_TIMEOUT_MS,
  idleMs: 8_000,
  fillerMs: 1_500,
  speechMsPerChar: 70,
};
