// An agent's own tools: HTTP endpoints of the business and MCP servers whose tools the model may
// call. What can be checked without I/O is checked here (names, templates, limits); the JSON
// schemas' validity and the production rules are checked when an agent is saved
// (services/tool-config-check.ts). docs/decisions/0024-agent-tools.md.
import { z } from 'zod';
import { parseTemplate, templateStrings, type TemplatePart } from './tool-templates.js';

/** The engine's own tools: an agent's tools may not take their names. */
export const BUILTIN_TOOL_NAMES = ['record_field', 'end_call', 'transfer'] as const;

// Providers' function names: OpenAI allows ^[a-zA-Z0-9_-]{1,64}$; lower snake case reads well in prompts.
const toolName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and "_", starting with a letter');

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const DEFAULT_TOOL_TIMEOUT_MS = 4_000;
export const DEFAULT_TOOL_MAX_RESPONSE_BYTES = 65_536;
// A tool runs inside the caller's turn (TURN_TIMEOUT_MS is at most 13 s, Twilio waits 15 s).
const MAX_TOOL_TIMEOUT_MS = 10_000;

const spokenLine = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => s.trim().length > 0, 'must not be blank');
const templateText = z.string().max(2_000);
const headerName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name');

/** The JSON Schema of a tool's arguments: an object schema (its validity is checked on save). */
const parametersSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === 'object', 'a JSON Schema with "type": "object"')
  .refine((schema) => JSON.stringify(schema).length <= 20_000, 'at most 20,000 characters of JSON');

const limits = {
  timeout_ms: z.number().int().min(100).max(MAX_TOOL_TIMEOUT_MS).default(DEFAULT_TOOL_TIMEOUT_MS),
  max_response_bytes: z.number().int().min(256).max(1_048_576).default(DEFAULT_TOOL_MAX_RESPONSE_BYTES),
  /** Loopback and private addresses; production refuses it unless TOOLS_ALLOW_PRIVATE_NETWORK. */
  allow_private_network: z.boolean().default(false),
  /** Said when the tool has not answered within about a second. */
  filler: spokenLine.optional(),
};

export const httpToolSchema = z
  .object({
    type: z.literal('http'),
    name: toolName,
    description: z.string().min(1).max(1_000),
    parameters: parametersSchema,
    request: z
      .object({
        method: z.enum(HTTP_METHODS).default('GET'),
        url: templateText.min(1),
        query: z.record(z.string().min(1).max(100), templateText).optional(),
        headers: z.record(headerName, templateText).optional(),
        /** A JSON body; its strings are templates (a string that is only `{arg}` keeps the argument's type). */
        body: z.unknown().optional(),
      })
      .strict(),
    /** Argument names whose values are masked wherever the call is kept or shown. */
    mask_arguments: z.array(z.string().min(1).max(64)).max(50).optional(),
    ...limits,
  })
  .strict();
export type HttpToolConfig = z.infer<typeof httpToolSchema>;

export const toolConfigSchema = z.discriminatedUnion('type', [httpToolSchema]);
export type ToolConfig = z.infer<typeof toolConfigSchema>;

export const mcpServerSchema = z
  .object({
    name: toolName.max(32),
    /** The server's streamable HTTP endpoint. */
    url: z.string().min(1).max(2_000),
    /** Sent with every request; values may name secrets (`Bearer {{secret.CRM_TOKEN}}`). */
    headers: z.record(headerName, templateText).optional(),
    /** The server's tools the model may call; no other is offered. */
    allowed_tools: z.array(toolName).min(1).max(30),
    mask_arguments: z.array(z.string().min(1).max(64)).max(50).optional(),
    ...limits,
  })
  .strict();
export type McpServerConfig = z.infer<typeof mcpServerSchema>;

// Optional, not defaulted: agents stored before tools existed have none of these fields.
export const agentToolsShape = {
  tools: z.array(toolConfigSchema).max(20).optional(),
  mcp_servers: z.array(mcpServerSchema).max(5).optional(),
  /** Whether tool requests may carry the person's number ({{caller.phone}}); default false. */
  tools_share_caller_phone: z.boolean().optional(),
};

interface ToolsPart {
  tools?: ToolConfig[];
  mcp_servers?: McpServerConfig[];
  tools_share_caller_phone?: boolean;
}

/** The argument names a tool's schema declares. */
export function argumentNames(parameters: Record<string, unknown>): string[] {
  const properties = parameters.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

function placeholderProblem(
  part: TemplatePart,
  argumentsKnown: readonly string[],
  sharesCallerPhone: boolean,
): string | undefined {
  if (part.kind === 'argument' && !argumentsKnown.includes(part.name))
    return `{${part.name}} is not one of the tool's parameters`;
  if (part.kind === 'unknown')
    return `{{${part.name}}} is not a placeholder: use {{call.sid}}, {{agent.id}}, {{caller.phone}} or {{secret.NAME}}`;
  if (part.kind === 'context' && part.name === 'caller.phone' && !sharesCallerPhone)
    return '{{caller.phone}} needs tools_share_caller_phone: true';
  return undefined;
}

type Issue = { path: (string | number)[]; message: string };

function templateIssues(
  strings: { path: (string | number)[]; text: string }[],
  argumentsKnown: readonly string[],
  sharesCallerPhone: boolean,
  options: { perCall: boolean },
): Issue[] {
  const issues: Issue[] = [];
  for (const { path, text } of strings) {
    for (const part of parseTemplate(text)) {
      const problem =
        !options.perCall && (part.kind === 'argument' || part.kind === 'context')
          ? `${part.kind === 'argument' ? `{${part.name}}` : `{{${part.name}}}`}: an MCP server's connection serves many calls (the call's context travels in each request's _meta)`
          : placeholderProblem(part, argumentsKnown, sharesCallerPhone);
      if (problem) issues.push({ path, message: problem });
    }
  }
  return issues;
}

/** Names, templates and masks of an agent's tools; paths are relative to the agent. */
export function toolConfigIssues(agent: ToolsPart): Issue[] {
  const issues: Issue[] = [];
  const shares = agent.tools_share_caller_phone === true;
  const taken = new Map<string, string>(BUILTIN_TOOL_NAMES.map((name) => [name, 'a built-in tool']));
  const claim = (name: string, path: (string | number)[], owner: string) => {
    const holder = taken.get(name);
    if (holder) issues.push({ path, message: `${name} is already the name of ${holder}` });
    else taken.set(name, owner);
  };
  (agent.tools ?? []).forEach((tool, index) => {
    claim(tool.name, ['tools', index, 'name'], `tools.${index}`);
    const known = argumentNames(tool.parameters);
    const request = tool.request;
    const strings = [
      { path: ['url'], text: request.url },
      ...Object.entries(request.query ?? {}).map(([key, text]) => ({ path: ['query', key], text })),
      ...Object.entries(request.headers ?? {}).map(([key, text]) => ({ path: ['headers', key], text })),
      ...templateStrings(request.body, ['body']),
    ];
    for (const issue of templateIssues(strings, known, shares, { perCall: true }))
      issues.push({ path: ['tools', index, 'request', ...issue.path], message: issue.message });
    if (!/^https?:\/\//i.test(request.url))
      issues.push({
        path: ['tools', index, 'request', 'url'],
        message: 'must start with https:// or http://',
      });
    // The model fills arguments in: it must never choose where the request goes.
    const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(request.url)?.[1] ?? '';
    if (parseTemplate(authority).some((part) => part.kind === 'argument' || part.kind === 'context'))
      issues.push({
        path: ['tools', index, 'request', 'url'],
        message: 'the host cannot come from an argument or the call: put placeholders in the path or query',
      });
    if (request.body !== undefined && request.method === 'GET')
      issues.push({ path: ['tools', index, 'request', 'body'], message: 'a GET request has no body' });
    (tool.mask_arguments ?? []).forEach((name, maskIndex) => {
      if (!known.includes(name))
        issues.push({
          path: ['tools', index, 'mask_arguments', maskIndex],
          message: `${name} is not one of the tool's parameters`,
        });
    });
  });
  (agent.mcp_servers ?? []).forEach((server, index) => {
    const seen = new Set<string>();
    server.allowed_tools.forEach((name, toolIndex) => {
      if (seen.has(name)) return;
      seen.add(name);
      claim(name, ['mcp_servers', index, 'allowed_tools', toolIndex], `an MCP tool of ${server.name}`);
    });
    const strings = [
      { path: ['url'], text: server.url },
      ...Object.entries(server.headers ?? {}).map(([key, text]) => ({ path: ['headers', key], text })),
    ];
    for (const issue of templateIssues(strings, [], shares, { perCall: false }))
      issues.push({ path: ['mcp_servers', index, ...issue.path], message: issue.message });
    if (!/^https?:\/\//i.test(server.url))
      issues.push({ path: ['mcp_servers', index, 'url'], message: 'must start with https:// or http://' });
  });
  const servers = new Set<string>();
  (agent.mcp_servers ?? []).forEach((server, index) => {
    if (servers.has(server.name))
      issues.push({
        path: ['mcp_servers', index, 'name'],
        message: `another MCP server is named ${server.name}`,
      });
    servers.add(server.name);
  });
  return issues;
}

/** For an agent schema's superRefine. */
export function checkAgentTools(agent: ToolsPart, ctx: z.RefinementCtx): void {
  for (const issue of toolConfigIssues(agent)) ctx.addIssue({ code: 'custom', ...issue });
}
