import type { FormParams } from '../../adapters/twilio/signature.js';

/** A single form value (the first when repeated), trimmed of nothing: Twilio's values as sent. */
export function param(params: FormParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

/** A Call SID as Twilio writes it: CA and 32 hex digits. */
export function isCallSid(value: unknown): value is string {
  return typeof value === 'string' && CALL_SID.test(value);
}

export function callSidOf(params: FormParams): string | undefined {
  const sid = param(params, 'CallSid');
  return isCallSid(sid) ? sid : undefined;
}

/** Twilio's Confidence (0.0–1.0); missing or unparsable means unknown, never 0. */
export function confidenceOf(params: FormParams): number | undefined {
  const raw = param(params, 'Confidence');
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}
