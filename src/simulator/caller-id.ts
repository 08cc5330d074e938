// How Twilio describes who is calling, beyond the number: kept free of imports for the CLI.

/**
 * What Twilio puts in `From` for a caller who withholds their number: "ANONYMOUS" spelled on a
 * keypad (2-6-6-6-9-6-6-8-7). Other placeholders seen: `anonymous`, `restricted`, `sip:anonymous@…`.
 */
export const WITHHELD_CALLER = '+266696687';

/** SHAKEN/STIR results Twilio reports in `StirVerstat` on inbound calls (A: full attestation). */
export const STIR_VERSTAT_VALUES = [
  'TN-Validation-Passed-A',
  'TN-Validation-Passed-B',
  'TN-Validation-Passed-C',
  'TN-Validation-Failed-A',
  'TN-Validation-Failed-B',
  'TN-Validation-Failed-C',
  'TN-Validation-Failed',
  'No-TN-Validation',
] as const;
