export const MAX_TEXT_CHARS = 500;

/** Free text: trimmed, whitespace collapsed, at most 500 characters; empty -> null. */
export function normalizeText(text: string): string | null {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (!collapsed) return null;
  return Array.from(collapsed).slice(0, MAX_TEXT_CHARS).join('').trim();
}
