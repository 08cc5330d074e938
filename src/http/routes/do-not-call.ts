import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { doNotCallAddSchema, type DoNotCallService } from '../../services/campaigns/do-not-call-service.js';
import { errorBodySchema } from '../error-handler.js';
import { acceptCsvBodies, UPLOAD_BODY_LIMIT } from '../csv-body.js';

const numberParams = z.object({ number: z.string().min(1).max(32) }).strict();
const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(2_000).optional(),
  })
  .strict();
const addBody = doNotCallAddSchema.extend({
  added_by: z.string().trim().min(1).max(64).optional().describe('Who adds it (default: api or dashboard)'),
});
const entryDoc = z.object({
  phone_number: z.string(),
  added_by: z.string(),
  added_at: z.string(),
  reason: z.string().optional(),
  call_sid: z.string().optional(),
});
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema };

/** The dashboard marks its requests (see dashboard/assets/js/api.js); anything else is the API. */
const source = (request: FastifyRequest) =>
  request.headers['x-requested-with'] === 'voice-agent' ? 'dashboard' : 'api';

export const doNotCallRoutes: FastifyPluginAsync<{ doNotCall: DoNotCallService }> = async (
  app,
  { doNotCall },
) => {
  const tags = ['do-not-call'];
  acceptCsvBodies(app);

  app.get(
    '/do-not-call',
    { schema: { tags, summary: 'The do-not-call list', querystring: pageQuery, response: errors } },
    async (request) => doNotCall.list(request.query as z.infer<typeof pageQuery>),
  );

  app.post(
    '/do-not-call',
    {
      schema: {
        tags,
        summary: 'Add a number to the do-not-call list (200 when it was already listed)',
        body: addBody,
        response: { 200: entryDoc, 201: entryDoc, ...errors },
      },
    },
    async (request, reply) => {
      const { added_by: addedBy, ...entry } = request.body as z.infer<typeof addBody>;
      const result = await doNotCall.add(entry, addedBy ?? source(request));
      return reply.code(result.added ? 201 : 200).send(result.entry);
    },
  );

  app.post(
    '/do-not-call/import',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import numbers from CSV (a phone_number column, optional reason)',
        body: z.string(),
        response: errors,
      },
    },
    async (request) => doNotCall.importCsv(request.body as string, source(request)),
  );

  app.get(
    '/do-not-call/:number',
    {
      schema: {
        tags,
        summary: 'Whether a number is listed, by whom and when',
        params: numberParams,
        response: errors,
      },
    },
    async (request) => doNotCall.get((request.params as { number: string }).number),
  );

  app.delete(
    '/do-not-call/:number',
    {
      schema: {
        tags,
        summary: 'Remove a number from the list',
        params: numberParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await doNotCall.remove((request.params as { number: string }).number);
      return reply.code(204).send();
    },
  );
};
