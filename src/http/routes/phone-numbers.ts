import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { agentSchema } from '../../domain/agent.js';
import { phoneAssignSchema, type PhoneNumberService } from '../../services/phone-number-service.js';
import { errorBodySchema } from '../error-handler.js';

// The number is validated by the service (libphonenumber-js), so the error names `phone_number`.
// In a URL, "+" may be sent as is or as %2B.
const numberParams = z.object({ number: z.string().min(1).max(32) }).strict();
const assignmentSchema = z.object({
  phone_number: z.string(),
  assigned_agent_id: z.string(),
  assigned_at: z.string(),
  label: z.string().optional(),
});
const listQuery = z.object({ agent_id: z.string().min(1).max(64).optional() }).strict();
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };

export const phoneNumberRoutes: FastifyPluginAsync<{ phoneNumbers: PhoneNumberService }> = async (
  app,
  { phoneNumbers },
) => {
  const tags = ['phone-numbers'];

  app.get(
    '/phone-numbers',
    {
      schema: {
        tags,
        summary: 'List number assignments, optionally for one agent',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(assignmentSchema) }), ...errors },
      },
    },
    async (request) => ({
      items: await phoneNumbers.list((request.query as { agent_id?: string }).agent_id),
    }),
  );

  app.get(
    '/phone-numbers/:number',
    {
      schema: {
        tags,
        summary: 'Look up the agent that answers a number',
        params: numberParams,
        response: { 200: assignmentSchema.extend({ agent: agentSchema.nullable() }), ...errors },
      },
    },
    async (request) => {
      const { assignment, agent } = await phoneNumbers.lookup((request.params as { number: string }).number);
      return { ...assignment, agent: agent ?? null };
    },
  );

  app.put(
    '/phone-numbers/:number',
    {
      schema: {
        tags,
        summary: 'Assign an E.164 number to an agent',
        params: numberParams,
        body: phoneAssignSchema,
        response: { 200: assignmentSchema, ...errors },
      },
    },
    async (request) => phoneNumbers.assign((request.params as { number: string }).number, request.body),
  );

  app.delete(
    '/phone-numbers/:number',
    {
      schema: {
        tags,
        summary: 'Unassign a number',
        params: numberParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await phoneNumbers.unassign((request.params as { number: string }).number);
      return reply.code(204).send();
    },
  );
};
