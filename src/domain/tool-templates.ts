// The placeholders of a tool's request: `{order_id}` names one of the tool's arguments;
// `{{call.sid}}`, `{{agent.id}}`, `{{caller.phone}}` name the call's context; `{{secret.NAME}}`
// names a secret the server holds (TOOL_SECRET_NAME or the secrets manager), never its value.
// Parsed the same way when an agent is saved (every name checked) and when a request is built.

export const CONTEXT_PLACEHOLDERS = ['call.sid', 'agent.id', 'caller.phone'] as const;
export type ContextPlaceholder = (typeof CONTEXT_PLACEHOLDERS)[number];

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'argument'; name: string }
  | { kind: 'context'; name: ContextPlaceholder }
  | { kind: 'secret'; name: string }
  | { kind: 'unknown'; name: string };

// `{{ scope.name }}` first (so `{{x}}` is never read as `{x}` in braces), then `{name}`.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]*)\s*\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The template as text and placeholders, in order. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, scoped, argument] = match;
    if (argument !== undefined) {
      parts.push({ kind: 'argument', name: argument });
      continue;
    }
    const name = scoped ?? '';
    if ((CONTEXT_PLACEHOLDERS as readonly string[]).includes(name))
      parts.push({ kind: 'context', name: name as ContextPlaceholder });
    else if (name.startsWith('secret.') && SECRET_NAME.test(name.slice('secret.'.length)))
      parts.push({ kind: 'secret', name: name.slice('secret.'.length) });
    else parts.push({ kind: 'unknown', name });
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** Every string inside a JSON value, with its path below `base` (objects by key, arrays by index). */
export function templateStrings(
  value: unknown,
  base: (string | number)[] = [],
): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path: base, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => templateStrings(item, [...base, index]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => templateStrings(item, [...base, key]));
  return [];
}
