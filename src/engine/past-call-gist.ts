// What an agent may know of an earlier call with the same person: a gist, never the record. The
// values collected then (a name, an email, a number, an address) stay out, so the model asks again
// and confirms instead of reading them to whoever holds the phone now; the summary loses anything
// quoted, anything that reads as an instruction and anything that looks like a contact detail.
import type { PastCall, PastCallGist } from '../domain/call.js';
import { clip } from './call-summary.js';
import { guardSummary } from './caller-words.js';

const MAX_GIST_SUMMARY_CHARS = 300;
// Collected values shorter than this (a yes, a count) say nothing about the person.
const MIN_REDACTED_VALUE_CHARS = 2;

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// An email as a recognizer or a summary may spell it: "jo dot dalton at example dot com".
const SPOKEN_EMAIL =
  /\b[\p{L}\p{N}]+(?: (?:dot|underscore|dash) [\p{L}\p{N}]+)* at [\p{L}\p{N}]+(?: dot [\p{L}\p{N}]+)+\b/giu;
// Five or more digits, with the separators phone numbers, card numbers and codes are written with.
const DIGIT_RUN = /\+?\d(?:[\s().-]*\d){4,}/g;
// Characters that could close or imitate the block the prompt fences past calls in.
const FENCE_CHARACTERS = /[<>`{}[\]]/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `summary` without the call's own collected values, nor anything shaped like a contact detail. */
function redactDetails(summary: string, collected: PastCall['data_collected']): string {
  let text = summary;
  for (const [name, value] of Object.entries(collected)) {
    const raw = String(value).trim();
    if (typeof value !== 'string' || raw.length < MIN_REDACTED_VALUE_CHARS) continue;
    text = text.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(raw)}(?![\\p{L}\\p{N}])`, 'giu'),
      `(${name})`,
    );
  }
  return text
    .replace(EMAIL, '(an email)')
    .replace(SPOKEN_EMAIL, '(an email)')
    .replace(DIGIT_RUN, '(a number)');
}

/** The gist of a finished call, as the prompt may show it. */
export function pastCallGist(past: PastCall): PastCallGist {
  const summary = past.summary
    ? clip(
        guardSummary(redactDetails(past.summary, past.data_collected), []).replace(FENCE_CHARACTERS, ''),
        MAX_GIST_SUMMARY_CHARS,
      )
    : '';
  return {
    call_sid: past.call_sid,
    started_at: past.started_at,
    ...(past.outcome ? { outcome: past.outcome } : {}),
    ...(summary ? { summary } : {}),
    gave: Object.keys(past.data_collected),
  };
}
