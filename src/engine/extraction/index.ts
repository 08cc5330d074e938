import type { DataField } from '../../domain/agent.js';
import type { CollectedScalar } from '../../domain/call.js';

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
 * Placeholder until the extraction module lands: it accepts trimmed text for text fields only.
 */
export function normalizeValue(
  field: DataField,
  text: string,
  _context: ExtractionContext,
): CollectedScalar | null {
  const trimmed = text.trim();
  return field.type === 'text' && trimmed ? trimmed : null;
}
