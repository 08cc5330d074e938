import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CALL_STATUSES, type Call, type Turn } from '../../domain/call.js';
import { notFound } from '../../domain/errors.js';
import type { CallStore } from '../../ports/call-store.js';
import { legacyMakeCallSchema, outboundCallSchema, type CallService } from '../../services/call-service.js';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { startedBound } from '../../services/started-bound.js';
import { modelFirstTokenMs, serverAddedMs } from '../../engine/turn-timeline.js';
import { errorBodySchema } from '../error-handler.js';

const sidParams = z.object({ sid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a call SID') }).strict();
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2_000).optional(),
});
const listQuery = pageQuery
  .extend({
    agent_id: z.string().min(1).max(64).optional(),
    status: z.enum(CALL_STATUSES).optional(),
    recipient: z.string().min(1).max(32).optional(),
    from: startedBound('start').optional().describe('Calls started at or after this day (UTC) or date-time'),
    to: startedBound('end')
      .optional()
      .describe('Calls started at or before this day (UTC, inclusive) or date-time'),
  })
  .strict()
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ['to'],
    message: 'must not be before from',
  });
const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .max(200)
    .optional()
    .describe('A retried request with the same key creates one call'),
});
const callCreated = z.object({ call_sid: z.string(), status: z.string(), agent_id: z.string() });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema };

/** A call with its transcript, as the API and dashboard show it. */
export function callDetail(call: Call, turns: Turn[]) {
  return {
    ...call,
    transcript: turns.map((turn) => ({
      seq: turn.seq,
      kind: turn.kind,
      caller: turn.caller_text,
      confidence: turn.confidence,
      agent: turn.agent_text,
      interrupted: turn.interrupted ?? false,
      extracted: turn.extracted,
      ends_call: turn.ends_call,
      transfer_to: turn.transfer_to,
      at: turn.received_at,
      latency_ms: turn.latency_ms,
      model_latency_ms: turn.model_latency_ms,
      input_tokens: turn.input_tokens,
      output_tokens: turn.output_tokens,
      cached_input_tokens: turn.cached_input_tokens,
      cost_micro_usd: turn.cost_micro_usd,
      model_error: turn.model_error,
      model: turn.model,
      tool_calls: turn.tool_calls,
      timeline: turn.timeline,
      server_added_ms: turn.timeline && serverAddedMs(turn.timeline),
      model_first_token_ms: turn.timeline && modelFirstTokenMs(turn.timeline),
    })),
  };
}

export const callRoutes: FastifyPluginAsync<{ calls: CallStore; callService: CallService }> = async (
  app,
  { calls, callService },
) => {
  const tags = ['calls'];

  const detail = async (sid: string) => {
    const call = await calls.get(sid);
    if (!call) throw notFound(`call ${sid}`);
    return callDetail(call, await calls.listTurns(sid));
  };

  app.post(
    '/calls',
    {
      schema: {
        tags,
        summary: 'Place an outbound call with an agent',
        body: outboundCallSchema,
        headers: idempotencyHeaders,
        response: { 201: callCreated, ...errors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await callService.startOutbound(request.body, typeof key === 'string' ? key : undefined);
      return reply.code(201).send(result);
    },
  );

  // The seed's endpoint, kept for existing clients.
  app.post(
    '/make-call',
    {
      schema: {
        tags,
        summary: 'Place a call (legacy body)',
        body: legacyMakeCallSchema,
        response: { 201: callCreated, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await callService.makeCall(request.body)),
  );

  app.get(
    '/calls',
    {
      schema: {
        tags,
        summary: 'List calls, newest first',
        description: 'Filters combine; `from` and `to` bound started_at and are applied by the store query.',
        querystring: listQuery,
        response: errors,
      },
    },
    async (request) => {
      const query = request.query as z.infer<typeof listQuery>;
      return calls.list({
        agent_id: query.agent_id,
        status: query.status,
        recipient_phone: query.recipient ? normalizeE164(query.recipient, 'recipient') : undefined,
        started_from: query.from,
        started_to: query.to,
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  app.get(
    '/calls/:sid',
    {
      schema: {
        tags,
        summary: 'A call with its transcript and collected data',
        params: sidParams,
        response: errors,
      },
    },
    async (request) => detail((request.params as { sid: string }).sid),
  );

  app.get(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'Calls in progress',
        querystring: pageQuery.strict(),
        response: errors,
      },
    },
    async (request) => {
      const query = request.query as { limit?: number; cursor?: string };
      return calls.list({ status: 'in-progress', limit: query.limit, cursor: query.cursor });
    },
  );

  // The seed's session endpoint, kept for existing clients.
  app.get(
    '/session/:sid',
    { schema: { tags, summary: 'A call (legacy path)', params: sidParams, response: errors } },
    async (request) => detail((request.params as { sid: string }).sid),
  );
};
