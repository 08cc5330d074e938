import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { whenSent } from '../reply-sent.js';
import { webCallMessageSchema, webCallStartSchema, type WebCallService } from './web-calls.js';
import { errorBodySchema } from '../../http/error-handler.js';

const sidParams = z.object({ sid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a call SID') }).strict();
const collected = z.record(z.string(), z.object({ value: z.unknown(), turn: z.number() }));
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** "Talk to this agent": a call from the browser through the same engine as a phone call. */
export const webCallRoutes: FastifyPluginAsync<{ webCalls: WebCallService }> = async (app, { webCalls }) => {
  const tags = ['web-calls'];

  app.post(
    '/web-calls',
    {
      schema: {
        tags,
        summary: 'Start a web call with an agent; answers with its greeting',
        body: webCallStartSchema,
        response: {
          201: z.object({
            call_sid: z.string(),
            agent_id: z.string(),
            language: z.string(),
            voice: z.string(),
            greeting: z.string(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await webCalls.start(request.body)),
  );

  app.post(
    '/web-calls/:sid/messages',
    {
      schema: {
        tags,
        summary: 'Say something in a web call; answers with the agent reply',
        params: sidParams,
        body: webCallMessageSchema,
        response: {
          200: z.object({
            seq: z.number(),
            reply: z.string(),
            ended: z.boolean(),
            ended_by: z.string().optional(),
            data_collected: collected,
          }),
          ...errors,
        },
      },
    },
    async (request, reply) =>
      webCalls.message((request.params as z.infer<typeof sidParams>).sid, request.body, (answered) =>
        whenSent(reply, answered),
      ),
  );

  app.post(
    '/web-calls/:sid/end',
    {
      schema: {
        tags,
        summary: 'Hang up a web call (summary, outcome and webhook follow)',
        params: sidParams,
        response: {
          200: z.object({ call_sid: z.string(), status: z.string(), ended_by: z.string().optional() }),
          ...errors,
        },
      },
    },
    async (request) => webCalls.end((request.params as z.infer<typeof sidParams>).sid),
  );
};
