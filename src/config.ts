// The one reader of process.env. Everything else receives a Config.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));
const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(z.string().url().optional());

/**
 * Fastify's `trustProxy`: none, any, or these addresses and CIDRs. No hop count: Fastify 5 trusts
 * no hop by count (a count cannot tell a proxy from a client), and with `true` the client's address
 * is the leftmost X-Forwarded-For entry, which the client itself may have written.
 */
export type TrustProxy = boolean | string[];
// Names proxy-addr (Fastify's) knows for ranges of addresses.
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** TRUST_PROXY as Fastify takes it, or undefined when the value is none of its forms. */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  if (value === undefined || /^(false|no|0)$/i.test(value)) return false;
  if (/^(true|yes)$/i.test(value)) return true;
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries : undefined;
}

const trustProxy = optionalString
  .refine(
    (value) => parseTrustProxy(value) !== undefined,
    "false | true | the proxies' addresses or CIDRs, comma-separated (or loopback, linklocal, uniquelocal); not a hop count",
  )
  .transform((value) => parseTrustProxy(value)!);

/**
 * The OpenTelemetry list form (`key1=value1,key2=value2`, values percent-encoded) of
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS; undefined when an entry is not `key=value`.
 */
export function parseKeyValueList(value: string | undefined): Record<string, string> | undefined {
  const entries: Record<string, string> = {};
  for (const entry of (value ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    const key = entry.slice(0, equals).trim();
    if (equals < 1 || key === '') return undefined;
    try {
      entries[key] = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      return undefined;
    }
  }
  return entries;
}

// Headers carry credentials: the message never repeats the value.
const keyValueList = optionalString
  .refine((value) => parseKeyValueList(value) !== undefined, 'key=value pairs, comma-separated')
  .transform((value) => parseKeyValueList(value)!);
const otlpProtocol = optionalString.pipe(
  z
    .enum(['http/protobuf', 'http/json'], { error: 'http/protobuf | http/json (grpc is not supported)' })
    .optional(),
);

// The API key goes to this URL in a header: plain ws:// only to this machine (a local fake or proxy).
const realtimeUrl = optionalUrl.refine((value) => {
  if (value === undefined) return true;
  const url = new URL(value);
  if (url.search || url.hash) return false;
  if (url.protocol === 'wss:') return true;
  return url.protocol === 'ws:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}, 'a wss:// URL without a query (ws:// only to localhost, 127.0.0.1 or [::1])');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(3000, 0, 65_535),
  DATA_DIR: z.string().default('./data'),
  PUBLIC_URL: optionalUrl,
  ADMIN_API_KEY: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  MAX_BODY_BYTES: int(65_536, 1_024, 10_485_760),
  TRUST_PROXY: trustProxy,
  HEAP_GROWING_PERCENT: int(300, 0, 1_000),

  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/)
    .default('VoiceAssistant_'),
  AGENTS_TABLE: optionalString,
  CALLS_TABLE: optionalString,
  PHONE_NUMBERS_TABLE: optionalString,
  TURNS_TABLE: optionalString,
  RECORDINGS_TABLE: optionalString,
  IDEMPOTENCY_TABLE: optionalString,
  WEBHOOK_DELIVERIES_TABLE: optionalString,
  CAMPAIGNS_TABLE: optionalString,
  CAMPAIGN_CONTACTS_TABLE: optionalString,
  CAMPAIGN_ATTEMPTS_TABLE: optionalString,
  DO_NOT_CALL_TABLE: optionalString,
  AGENT_CACHE_TTL_SECONDS: int(300, 0, 86_400),

  AWS_REGION: optionalString,
  DYNAMODB_ENDPOINT: optionalUrl,
  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: z.string().min(3).max(63).default('voice-agent-recordings'),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_SSE: z.enum(['AES256', 'aws:kms', 'none']).optional(),

  TWILIO_ACCOUNT_SID: optionalString.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_API_URL: optionalUrl,
  TWILIO_TIMEOUT_MS: int(10_000, 500, 60_000),
  TWILIO_PHONE_NUMBER: optionalString.pipe(
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +14155550100')
      .optional(),
  ),
  TWILIO_VALIDATE_SIGNATURES: bool(true),
  RECORD_CALLS: bool(true),
  RECORDING_FORMAT: z.enum(['mp3', 'wav']).default('mp3'),
  DELETE_TWILIO_RECORDINGS: bool(false),
  ANSWERING_MACHINE_DETECTION: z.enum(['off', 'Enable', 'DetectMessageEnd']).default('off'),
  ALLOWED_DESTINATION_COUNTRIES: z
    .string()
    .default('US,CA,GB,IN')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'two-letter country codes, comma-separated'))),
  CALLS_PER_MINUTE: int(20, 1, 10_000),
  DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
  DEFAULT_TIMEZONE: z.string().default('UTC'),
  DEFAULT_TRANSPORT: z.enum(['gather', 'relay']).default('gather'),
  TURN_TIMEOUT_MS: int(8_000, 1_000, 13_000),
  RELAY_IDLE_MS: int(8_000, 1_000, 60_000),
  RELAY_FILLER_MS: int(1_500, 200, 10_000),
  TOOL_FILLER_MS: int(1_000, 200, 5_000),
  AGENT_TESTS_DIR: z.string().min(1).default('tests/agents'),

  LLM_PROVIDER: z.enum(['none', 'openai', 'anthropic', 'openai-compatible', 'bedrock']).default('none'),
  LLM_MODEL: optionalString,
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.4),
  LLM_TIMEOUT_MS: int(6_000, 500, 60_000),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  OPENAI_COMPATIBLE_BASE_URL: optionalUrl,
  OPENAI_COMPATIBLE_API_KEY: optionalString,
  LLM_FALLBACK_PROVIDER: z
    .enum(['none', 'openai', 'anthropic', 'openai-compatible', 'bedrock'])
    .default('none'),
  LLM_FALLBACK_MODEL: optionalString,
  LLM_FALLBACK_BASE_URL: optionalUrl,
  LLM_FALLBACK_API_KEY: optionalString,
  LLM_BREAKER_FAILURES: int(5, 0, 1_000),
  LLM_BREAKER_COOLDOWN_MS: int(30_000, 100, 3_600_000),

  OPENAI_REALTIME_API_KEY: optionalString,
  OPENAI_REALTIME_URL: realtimeUrl,
  REALTIME_OPEN_TIMEOUT_MS: int(5_000, 500, 30_000),

  WEBHOOK_URL: optionalUrl,
  WEBHOOK_SECRET: optionalString,
  WEBHOOK_ALLOW_PRIVATE: bool(false),

  TOOLS_ALLOW_PRIVATE_NETWORK: bool(false),
  TOOL_SECRETS_MANAGER_PREFIX: optionalString,
  TOOL_SECRETS_TTL_SECONDS: int(300, 0, 86_400),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  TURN_ALARM_MS: int(250, 1, 60_000),
  GREETING_ALARM_MS: int(1_000, 1, 60_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList,
  OTEL_EXPORTER_OTLP_TIMEOUT: int(10_000, 100, 120_000),
  OTEL_SERVICE_NAME: optionalString,
  OTEL_RESOURCE_ATTRIBUTES: keyValueList,
  OTEL_SDK_DISABLED: bool(false),
});

export type Env = z.infer<typeof envSchema>;

/** Where and how traces are exported: present when an OTLP endpoint is set (and the SDK not disabled). */
export interface OtelSettings {
  /** The full URL spans are POSTed to (…/v1/traces). */
  tracesUrl: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  resourceAttributes: Record<string, string>;
}

export interface Config extends Env {
  /** TOOL_SECRET_<NAME> values by NAME: the secrets agents' tools name as {{secret.NAME}}. */
  toolSecrets: Readonly<Record<string, string>>;
  /** No AWS region or endpoint: run dynalite and s3rver (child processes) under DATA_DIR. */
  embeddedDynamo: boolean;
  embeddedS3: boolean;
  publicUrl: string;
  tables: {
    agents: string;
    calls: string;
    phoneNumbers: string;
    turns: string;
    recordings: string;
    idempotency: string;
    webhookDeliveries: string;
    campaigns: string;
    campaignContacts: string;
    campaignAttempts: string;
    doNotCall: string;
  };
  /** Tracing: undefined when off. */
  otel?: OtelSettings;
}

/** The standard OTEL_* variables as the trace exporter takes them (the traces-specific ones win). */
function otelSettings(e: Env): OtelSettings | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base}/v1/traces`);
  if (!tracesUrl) return undefined;
  const resourceAttributes = e.OTEL_RESOURCE_ATTRIBUTES ?? {};
  return {
    tracesUrl,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    headers: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    timeoutMs: e.OTEL_EXPORTER_OTLP_TIMEOUT,
    serviceName: e.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? 'voice-agent',
    resourceAttributes,
  };
}

/** How realtime agents reach their model: the key (OPENAI_REALTIME_API_KEY, else OPENAI_API_KEY) and URL. */
export function realtimeModelSettings(
  e: Pick<
    Env,
    'OPENAI_REALTIME_API_KEY' | 'OPENAI_API_KEY' | 'OPENAI_REALTIME_URL' | 'REALTIME_OPEN_TIMEOUT_MS'
  >,
): { openaiApiKey?: string; openaiUrl?: string; openTimeoutMs: number } {
  const openaiApiKey = e.OPENAI_REALTIME_API_KEY ?? e.OPENAI_API_KEY;
  return {
    ...(openaiApiKey ? { openaiApiKey } : {}),
    ...(e.OPENAI_REALTIME_URL ? { openaiUrl: e.OPENAI_REALTIME_URL } : {}),
    openTimeoutMs: e.REALTIME_OPEN_TIMEOUT_MS,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const llmNeeds: Record<string, string[]> = {
  openai: ['OPENAI_API_KEY', 'LLM_MODEL'],
  anthropic: ['ANTHROPIC_API_KEY', 'LLM_MODEL'],
  'openai-compatible': ['OPENAI_COMPATIBLE_BASE_URL', 'LLM_MODEL'],
  bedrock: ['AWS_REGION', 'LLM_MODEL'],
};

/**
 * Rules between settings. They read each setting that is valid on its own, so a run with bad
 * values and missing combinations reports both kinds of problem in one message.
 */
function crossSettingProblems(e: Partial<Env>): string[] {
  const problems: string[] = [];
  if (e.LLM_PROVIDER) {
    for (const name of llmNeeds[e.LLM_PROVIDER] ?? []) {
      if (!e[name as keyof Env]) problems.push(`${name}: required when LLM_PROVIDER=${e.LLM_PROVIDER}`);
    }
  }
  problems.push(...fallbackProblems(e));
  if (e.NODE_ENV === 'production') {
    // Keys for pagination cursors and dashboard sessions derive from WEBHOOK_SECRET: every instance
    // must share it.
    for (const name of ['PUBLIC_URL', 'ADMIN_API_KEY', 'TWILIO_AUTH_TOKEN', 'WEBHOOK_SECRET'] as const) {
      if (!e[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
    if (e.TWILIO_VALIDATE_SIGNATURES === false)
      problems.push('TWILIO_VALIDATE_SIGNATURES: cannot be off when NODE_ENV=production');
  }
  if (e.TWILIO_ACCOUNT_SID && !e.TWILIO_AUTH_TOKEN)
    problems.push('TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID');
  if (e.TOOL_SECRETS_MANAGER_PREFIX && !e.AWS_REGION)
    problems.push('AWS_REGION: required with TOOL_SECRETS_MANAGER_PREFIX');
  return problems;
}

// What the fallback model needs: its own setting, else the one the provider uses as primary.
const fallbackNeeds: Record<string, [keyof Env | undefined, keyof Env]> = {
  openai: ['LLM_FALLBACK_API_KEY', 'OPENAI_API_KEY'],
  anthropic: ['LLM_FALLBACK_API_KEY', 'ANTHROPIC_API_KEY'],
  'openai-compatible': ['LLM_FALLBACK_BASE_URL', 'OPENAI_COMPATIBLE_BASE_URL'],
  bedrock: [undefined, 'AWS_REGION'],
};

function fallbackProblems(e: Partial<Env>): string[] {
  const provider = e.LLM_FALLBACK_PROVIDER;
  if (!provider || provider === 'none') return [];
  const needs = `required when LLM_FALLBACK_PROVIDER=${provider}`;
  const problems: string[] = [];
  if (!e.LLM_PROVIDER || e.LLM_PROVIDER === 'none') problems.push(`LLM_PROVIDER: ${needs}`);
  if (!e.LLM_FALLBACK_MODEL) problems.push(`LLM_FALLBACK_MODEL: ${needs}`);
  const [own, shared] = fallbackNeeds[provider]!;
  if (!(own && e[own]) && !e[shared]) problems.push(`${own ? `${own} or ` : ''}${shared}: ${needs}`);
  if (provider === 'bedrock' && e.LLM_FALLBACK_BASE_URL)
    problems.push('LLM_FALLBACK_BASE_URL: not used with LLM_FALLBACK_PROVIDER=bedrock');
  return problems;
}

/** Every setting that is valid on its own (a bad one is left out: the schema already names it). */
function validSettings(merged: Record<string, unknown>): Partial<Env> {
  const valid: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const result = schema.safeParse(merged[name]);
    if (result.success) valid[name] = result.data;
  }
  return valid as Partial<Env>;
}

const TOOL_SECRET_PREFIX = 'TOOL_SECRET_';

/** TOOL_SECRET_<NAME> settings by NAME (names as {{secret.NAME}} takes them; empty values left out). */
function toolSecretsOf(merged: Record<string, unknown>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    const name = key.slice(TOOL_SECRET_PREFIX.length);
    if (
      key.startsWith(TOOL_SECRET_PREFIX) &&
      /^[A-Z][A-Z0-9_]{0,63}$/.test(name) &&
      typeof value === 'string' &&
      value !== ''
    )
      secrets[name] = value;
  }
  return secrets;
}

/** Reads settings from `env`, with `.env` in the working directory underneath when present. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): Config {
  const fromFile = dotenvPath && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged: Record<string, unknown> = { ...fromFile, ...env };
  const parsed = envSchema.safeParse(merged);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.') || '(settings)'}: ${issue.message}`);
  }
  problems.push(...crossSettingProblems(validSettings(merged)));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const prefix = e.TABLE_PREFIX;
  const otel = otelSettings(e);
  return {
    ...e,
    toolSecrets: toolSecretsOf(merged),
    embeddedDynamo: !e.AWS_REGION && !e.DYNAMODB_ENDPOINT,
    embeddedS3: !e.AWS_REGION && !e.S3_ENDPOINT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    tables: {
      agents: e.AGENTS_TABLE ?? `${prefix}Agents`,
      calls: e.CALLS_TABLE ?? `${prefix}Calls`,
      phoneNumbers: e.PHONE_NUMBERS_TABLE ?? `${prefix}PhoneNumbers`,
      turns: e.TURNS_TABLE ?? `${prefix}Turns`,
      recordings: e.RECORDINGS_TABLE ?? `${prefix}Recordings`,
      idempotency: e.IDEMPOTENCY_TABLE ?? `${prefix}Idempotency`,
      webhookDeliveries: e.WEBHOOK_DELIVERIES_TABLE ?? `${prefix}WebhookDeliveries`,
      campaigns: e.CAMPAIGNS_TABLE ?? `${prefix}Campaigns`,
      campaignContacts: e.CAMPAIGN_CONTACTS_TABLE ?? `${prefix}CampaignContacts`,
      campaignAttempts: e.CAMPAIGN_ATTEMPTS_TABLE ?? `${prefix}CampaignAttempts`,
      doNotCall: e.DO_NOT_CALL_TABLE ?? `${prefix}DoNotCall`,
    },
    ...(otel ? { otel } : {}),
  };
}

/** For entry points: on a bad setting, print every problem at once and exit with code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw error;
  }
}
