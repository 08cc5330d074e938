// A tool's request built from its templates (domain/tool-templates.ts): arguments and call context
// in the URL (path-encoded), the query, the headers and the JSON body; secrets fetched by name.
// The values of the secrets used are returned too, so an answer that echoes one can be masked.
import type { HttpToolConfig } from '../../domain/agent-tools.js';
import { parseTemplate, templateStrings, type TemplatePart } from '../../domain/tool-templates.js';
import type { SecretSource } from '../../ports/secret-source.js';
import type { ToolCallContext } from '../../ports/tool-runner.js';
import { ToolRequestError } from './tool-http-request.js';

export interface RenderedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Values of the secrets used: never logged, masked out of answers. */
  secretValues: string[];
}

interface Values {
  args: Record<string, unknown>;
  context: ToolCallContext;
  secrets: Map<string, string>;
}

const asText = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

function valueOf(part: TemplatePart, values: Values): unknown {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'argument':
      return values.args[part.name];
    case 'secret':
      return values.secrets.get(part.name);
    case 'context':
      return part.name === 'call.sid'
        ? values.context.callSid
        : part.name === 'agent.id'
          ? values.context.agentId
          : values.context.callerPhone;
    default:
      return '';
  }
}

function render(template: string, values: Values, encode: (text: string) => string = (t) => t): string {
  return parseTemplate(template)
    .map((part) => (part.kind === 'text' ? part.text : encode(asText(valueOf(part, values)))))
    .join('');
}

/** A template that is one placeholder and nothing else: its value keeps its JSON type. */
function sole(template: string): TemplatePart | undefined {
  const parts = parseTemplate(template);
  return parts.length === 1 && parts[0]!.kind !== 'text' ? parts[0] : undefined;
}

function renderBody(value: unknown, values: Values): unknown {
  if (typeof value === 'string') {
    const only = sole(value);
    return only ? valueOf(only, values) : render(value, values);
  }
  if (Array.isArray(value)) return value.map((item) => renderBody(item, values));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderBody(item, values)]));
  return value;
}

function secretNames(tool: HttpToolConfig, headers: Record<string, string> = {}): Set<string> {
  const texts = [
    tool.request.url,
    ...Object.values(tool.request.query ?? {}),
    ...Object.values(headers),
    ...templateStrings(tool.request.body).map((s) => s.text),
  ];
  const names = new Set<string>();
  for (const text of texts)
    for (const part of parseTemplate(text)) if (part.kind === 'secret') names.add(part.name);
  return names;
}

/** The named secrets; a missing one fails the call, naming the variable to set. */
export async function fetchSecrets(
  names: Iterable<string>,
  source: SecretSource,
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  await Promise.all(
    [...names].map(async (name) => {
      const value = await source.get(name).catch(() => undefined);
      if (value === undefined) throw new ToolRequestError(`secret ${name} is not set (TOOL_SECRET_${name})`);
      secrets.set(name, value);
    }),
  );
  return secrets;
}

/** Header values from templates (MCP servers' headers too); CR and LF are refused. */
export function renderHeaders(templates: Record<string, string>, values: Values): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) {
    const value = render(template, values);
    if (/[\r\n]/.test(value)) throw new ToolRequestError(`header ${name} would hold a line break`);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

export async function renderRequest(
  tool: HttpToolConfig,
  args: Record<string, unknown>,
  context: ToolCallContext,
  source: SecretSource,
): Promise<RenderedRequest> {
  const secrets = await fetchSecrets(secretNames(tool, tool.request.headers), source);
  const values: Values = { args, context, secrets };
  const url = new URL(render(tool.request.url, values, encodeURIComponent));
  for (const [key, template] of Object.entries(tool.request.query ?? {})) {
    const only = sole(template);
    const value = only ? valueOf(only, values) : render(template, values);
    // An optional argument the model left out leaves its parameter out.
    if (value !== undefined && value !== null) url.searchParams.set(key, asText(value));
  }
  const body =
    tool.request.body === undefined ? undefined : JSON.stringify(renderBody(tool.request.body, values));
  return {
    url: url.href,
    method: tool.request.method,
    headers: renderHeaders(tool.request.headers ?? {}, values),
    ...(body !== undefined ? { body } : {}),
    secretValues: [...secrets.values()].filter((value) => value.length >= 4),
  };
}

export type { Values as TemplateValues };
