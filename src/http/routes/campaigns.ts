import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CAMPAIGN_STATES, campaignCreateSchema, type CampaignState } from '../../domain/campaign.js';
import type { CallStore } from '../../ports/call-store.js';
import { exportCampaignCsv } from '../../services/campaigns/campaign-export.js';
import type { CampaignService } from '../../services/campaigns/campaign-service.js';
import { MAX_CONTACTS_PER_UPLOAD } from '../../services/campaigns/contact-import.js';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { acceptCsvBodies, UPLOAD_BODY_LIMIT } from '../csv-body.js';
import { errorBodySchema } from '../error-handler.js';

const idParams = z.object({ id: z.string().regex(/^cmp_[0-9a-f]{16}$/, 'a campaign id') }).strict();
const contactParams = idParams.extend({ number: z.string().min(1).max(32) }).strict();
const listQuery = z.object({ state: z.enum(CAMPAIGN_STATES).optional() }).strict();
const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(2_000).optional(),
  })
  .strict();
const uploadBody = z.union([
  z.string().describe('CSV with a header row: number, name, timezone, and any variables'),
  z
    .object({ contacts: z.array(z.unknown()).max(MAX_CONTACTS_PER_UPLOAD) })
    .strict()
    .describe('JSON: {contacts: [{number, name?, timezone?, variables?}]}'),
  z
    .object({ csv: z.string().max(UPLOAD_BODY_LIMIT) })
    .strict()
    .describe('JSON: {csv: "<CSV text>"} (the dashboard)'),
]);
const campaignDoc = z.looseObject({ campaign_id: z.string(), state: z.enum(CAMPAIGN_STATES) });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export const campaignRoutes: FastifyPluginAsync<{ campaigns: CampaignService; calls: CallStore }> = async (
  app,
  { campaigns, calls },
) => {
  const tags = ['campaigns'];
  acceptCsvBodies(app);
  const id = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a campaign (a draft: upload contacts, then start it)',
        body: campaignCreateSchema,
        response: { 201: campaignDoc, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await campaigns.create(request.body)),
  );

  app.get(
    '/campaigns',
    { schema: { tags, summary: 'Campaigns, newest first', querystring: listQuery, response: errors } },
    async (request) => ({
      items: await campaigns.list((request.query as { state?: CampaignState }).state),
    }),
  );

  app.get(
    '/campaigns/:id',
    { schema: { tags, summary: 'A campaign', params: idParams, response: errors } },
    async (request) => campaigns.get(id(request)),
  );

  app.post(
    '/campaigns/:id/contacts',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add contacts (CSV or JSON); bad rows are reported by row and field and skipped',
        params: idParams,
        body: uploadBody,
        response: errors,
      },
    },
    async (request) => {
      const body = request.body as string | { contacts: unknown[] } | { csv: string };
      return campaigns.upload(id(request), typeof body === 'string' ? { csv: body } : body);
    },
  );

  for (const action of ['start', 'pause', 'resume', 'cancel'] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign`,
          params: idParams,
          response: errors,
        },
      },
      async (request) => campaigns[action](id(request)),
    );
  }

  app.get(
    '/campaigns/:id/progress',
    {
      schema: {
        tags,
        summary: 'Counts by contact state and last outcome, and the next attempts due',
        params: idParams,
        response: errors,
      },
    },
    async (request) => campaigns.progress(id(request)),
  );

  app.get(
    '/campaigns/:id/contacts',
    {
      schema: {
        tags,
        summary: 'Per-contact results in upload order',
        params: idParams,
        querystring: pageQuery,
        response: errors,
      },
    },
    async (request) => campaigns.contacts(id(request), request.query as z.infer<typeof pageQuery>),
  );

  app.get(
    '/campaigns/:id/contacts/:number',
    {
      schema: { tags, summary: 'One contact with its attempts', params: contactParams, response: errors },
    },
    async (request) => {
      const params = request.params as { id: string; number: string };
      return campaigns.contact(params.id, normalizeE164(params.number, 'number'));
    },
  );

  app.get(
    '/campaigns/:id/export',
    {
      schema: {
        tags,
        summary: 'Results as CSV: state, attempts, outcome, summary and collected data per contact',
        params: idParams,
        response: errors,
      },
    },
    async (request, reply) => {
      const csv = await exportCampaignCsv(campaigns, calls, id(request));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id(request)}.csv"`)
        .send(csv);
    },
  );
};
