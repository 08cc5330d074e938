import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { agentCreateSchema, agentPatchSchema, agentSchema, type Agent } from '../../domain/agent.js';
import { invalid } from '../../domain/errors.js';
import { agentListQuerySchema, agentReplaceSchema, type AgentService } from '../../services/agent-service.js';
import { errorBodySchema } from '../error-handler.js';

const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .describe('The version last read, as returned in the ETag ("3"); a different stored version gives 409'),
});
const pageSchema = z.object({ items: z.array(agentSchema), cursor: z.string().optional() });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** `"3"`, `W/"3"` or `3` → 3; `*` or absent → undefined (no check). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(header);
  if (!match?.[1]) throw invalid('If-Match', 'the agent version in quotes, e.g. "3", as in the ETag');
  return Number(match[1]);
}

function sendAgent(reply: FastifyReply, agent: Agent, status = 200): Agent {
  reply.code(status).header('etag', `"${agent.version}"`);
  return agent;
}

export const agentRoutes: FastifyPluginAsync<{ agents: AgentService }> = async (app, { agents }) => {
  const tags = ['agents'];

  app.get(
    '/agents',
    {
      schema: {
        tags,
        summary: 'List agents by status, newest first',
        querystring: agentListQuerySchema,
        response: { 200: pageSchema, ...errors },
      },
    },
    async (request) => agents.list(request.query as z.input<typeof agentListQuerySchema>),
  );

  app.post(
    '/agents',
    {
      schema: {
        tags,
        summary: 'Create an agent',
        body: agentCreateSchema,
        response: { 201: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const agent = await agents.create(request.body);
      reply.header('location', `/agents/${encodeURIComponent(agent.agent_id)}`);
      return sendAgent(reply, agent, 201);
    },
  );

  app.get(
    '/agents/:id',
    {
      schema: { tags, summary: 'Read an agent', params: idParams, response: { 200: agentSchema, ...errors } },
    },
    async (request, reply) => sendAgent(reply, await agents.get((request.params as { id: string }).id)),
  );

  app.put(
    '/agents/:id',
    {
      schema: {
        tags,
        summary: 'Replace every writable field of an agent',
        params: idParams,
        headers: ifMatchHeaders,
        body: agentReplaceSchema,
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const version = parseIfMatch(request.headers['if-match']);
      return sendAgent(reply, await agents.replace(id, request.body, version));
    },
  );

  app.patch(
    '/agents/:id',
    {
      schema: {
        tags,
        summary: 'Change some fields of an agent (the result is validated as a whole)',
        params: idParams,
        headers: ifMatchHeaders,
        body: agentPatchSchema,
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const version = parseIfMatch(request.headers['if-match']);
      return sendAgent(reply, await agents.patch(id, request.body, version));
    },
  );

  app.delete(
    '/agents/:id',
    {
      schema: {
        tags,
        summary: 'Archive an agent (it stays readable with status=archived)',
        params: idParams,
        headers: ifMatchHeaders,
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return sendAgent(reply, await agents.archive(id, parseIfMatch(request.headers['if-match'])));
    },
  );
};
