// What is kept and shown of a tool call (its arguments, a "Try it" answer) carries no personal
// data: email addresses, runs of seven or more digits (phone and card numbers, whatever the
// spacing) and the values of the arguments a tool lists in mask_arguments are replaced.
const EMAIL = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g;
// Seven digits or more, allowing the separators people and systems put between groups.
const DIGIT_RUN = /\+?\d(?:[\s().-]{0,2}\d){6,}/g;

export const MASKED = '[masked]';

/** `text` with email addresses and long digit runs replaced. */
export function maskText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(DIGIT_RUN, '[number]');
}

/** A JSON value with every string masked and the values under `names` (at any depth) replaced. */
export function maskValue(value: unknown, names: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) >= 1e6 ? '[number]' : value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, names));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, names.has(key) ? MASKED : maskValue(item, names)]),
    );
  return value;
}

export function maskArguments(
  args: Record<string, unknown>,
  names: readonly string[] = [],
): Record<string, unknown> {
  return maskValue(args, new Set(names)) as Record<string, unknown>;
}
