import type { DataField } from '../../domain/agent.js';
import type { CollectedScalar } from '../../domain/call.js';
import { normalizeBoolean } from './boolean.js';
import { normalizeDate } from './date.js';
import { normalizeEmail } from './email.js';
import { normalizeEnum } from './enum.js';
import { normalizeName } from './name.js';
import { normalizeNumber } from './number.js';
import { normalizePhone } from './phone.js';
import { normalizeText } from './text.js';

export interface ExtractionContext {
  /** BCP-47 language of the agent, e.g. en-US or hi-IN. */
  language: string;
  /** ISO country for phone numbers; defaults from the language, then DEFAULT_PHONE_REGION. */
  region?: string;
  /** The moment relative dates resolve against. */
  now: Date;
  /** IANA time zone of the call, e.g. America/New_York. */
  timezone: string;
}

/**
 * The validated value of `field` in `text`, or null when the text holds no valid value.
 * Works on a caller's raw utterance and on a clean value an LLM proposed. Deterministic.
 */
export function normalizeValue(
  field: DataField,
  text: string,
  context: ExtractionContext,
): CollectedScalar | null {
  switch (field.type) {
    case 'name':
      return normalizeName(text);
    case 'email':
      return normalizeEmail(text);
    case 'phone':
      return normalizePhone(text, context);
    case 'date':
      return normalizeDate(text, context);
    case 'number':
      return normalizeNumber(text);
    case 'boolean':
      return normalizeBoolean(text);
    case 'enum':
      return normalizeEnum(text, field.options ?? []);
    case 'text':
      return normalizeText(text);
  }
}

export { normalizeBoolean, normalizeDate, normalizeEmail, normalizeEnum, normalizeName, normalizeNumber };
export { normalizePhone, normalizeText };
export { defaultRegion } from './region.js';
