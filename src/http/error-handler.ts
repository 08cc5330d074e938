// The one error handler: every failure leaves as JSON `{ error, message, issues? }`. 4xx bodies
// name the field and the problem; 5xx bodies say nothing about internals (details go to the log).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from '../domain/errors.js';
import { issuesFromZod } from '../services/validation.js';

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  issues?: FieldIssue[];
}

export const errorBodySchema = z.object({
  error: z.string().describe('validation | not_found | conflict | unauthorized | …'),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  503: 'unavailable',
};

// Fastify's own 4xx errors, with messages that never echo the body back.
const FASTIFY_MESSAGES: Record<string, (error: FastifyError) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported content type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'content-length does not match the body',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'the body is empty but the content type is application/json',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'the body is not valid JSON',
};

interface Mapped {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number;
}

const INTERNAL: Mapped = { status: 500, body: { error: 'internal', message: 'internal error' } };

function withIssues(code: ErrorCode, message: string, issues: FieldIssue[]): ErrorBody {
  return issues.length > 0 ? { error: code, message, issues } : { error: code, message };
}

export function mapError(error: unknown): Mapped {
  if (error instanceof AppError) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    if (status >= 500 && status !== 502 && status !== 503) return INTERNAL;
    const retryAfterSeconds =
      status === 429 || status === 503 ? (error.retryAfterSeconds ?? (status === 429 ? 1 : 5)) : undefined;
    return { status, body: withIssues(error.code, error.message, error.issues), retryAfterSeconds };
  }
  if (error instanceof z.ZodError) {
    const issues = issuesFromZod(error);
    return {
      status: 400,
      body: withIssues('validation', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues),
    };
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'validation';
    const describe = fastifyError?.code ? FASTIFY_MESSAGES[fastifyError.code] : undefined;
    let message = describe
      ? describe(fastifyError as FastifyError)
      : (fastifyError?.message ?? 'bad request');
    if (error instanceof SyntaxError)
      message = /prototype/i.test(message)
        ? 'the body contains a forbidden key (__proto__ or constructor.prototype)'
        : 'the body is not valid JSON';
    return { status, body: { error: code, message } };
  }
  return INTERNAL;
}

export function sendError(reply: FastifyReply, mapped: Mapped): FastifyReply {
  if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds));
  return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = mapError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    // 4xx: the code only; messages can repeat what the client sent.
    else request.log.info({ error: mapped.body.error, statusCode: mapped.status }, 'request rejected');
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, {
      status: 404,
      body: { error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
}
