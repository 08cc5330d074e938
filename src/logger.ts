import { destination, pino, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

export type { Logger };

// Keys that may carry personal data or secrets. Personal data is logged only under structured keys
// (never inside message strings), so redacting these keys at the top level and one level down
// covers it: `{ agent_phone }`, `{ call: { agent_phone } }`, Twilio params `{ params: { From } }`.
const SENSITIVE_KEYS = [
  'From',
  'To',
  'Caller',
  'Called',
  'SpeechResult',
  'Digits',
  'UnstableSpeechResult',
  'voiceResult',
  'phone',
  'phone_number',
  'email',
  'recipient_phone',
  'agent_phone',
  // The name agent_phone had in call items stored before the rename.
  'caller_phone',
  'transcript',
  'caller_text',
  'agent_text',
  'data_collected',
  'presigned_url',
  'RecordingUrl',
  'authorization',
  'apiKey',
  'api_key',
  'authToken',
  'auth_token',
  'password',
  'secret',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((key) => `*.${key}`),
];

interface SerializedRequest {
  method?: string;
  routeOptions?: { url?: string };
  id?: string;
}

/**
 * Request log lines carry the route pattern (`/phone-numbers/:number`), never the concrete URL:
 * paths and query strings can hold phone numbers. Bodies and headers are never logged.
 */
function requestSerializer(request: SerializedRequest): Record<string, unknown> {
  return { method: request.method, route: request.routeOptions?.url ?? '(no route)' };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer as (req: unknown) => unknown },
  };
}

/**
 * The server logs JSON to stdout at LOG_LEVEL. The CLI keeps stdout for its output and logs only
 * warnings and worse to stderr.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, role: 'server' | 'cli' = 'server'): Logger {
  if (role === 'cli') {
    const quieter = ['silent', 'fatal', 'error'].includes(config.LOG_LEVEL);
    const level = quieter ? config.LOG_LEVEL : 'warn';
    return pino(loggerOptions(level), destination(2));
  }
  return pino(loggerOptions(config.LOG_LEVEL));
}
