import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isTimeZone } from '../../services/analytics/days.js';
import type { AnalyticsService } from '../../services/analytics/analytics-service.js';
import { startedBound } from '../../services/started-bound.js';
import { errorBodySchema } from '../error-handler.js';

const DAY_MS = 86_400_000;
// One report reads a bounded number of calls anyway; a range past a year is a typo more often than not.
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

const analyticsQuery = z
  .object({
    from: startedBound('start')
      .optional()
      .describe('First day (UTC) or date-time; default 30 days before `to`'),
    to: startedBound('end').optional().describe('Last day (UTC, inclusive) or date-time; default now'),
    agent_id: z.string().min(1).max(64).optional(),
    tz: z
      .string()
      .max(64)
      .refine(isTimeZone, 'an IANA time zone such as Europe/Paris')
      .optional()
      .describe('Time zone the days are counted in (default UTC)'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * DAY_MS, {
    path: ['from'],
    message: `a range of at most ${MAX_RANGE_DAYS} days`,
  });

export const analyticsRoutes: FastifyPluginAsync<{
  analytics: AnalyticsService;
  now?: () => number;
}> = async (app, options) => {
  const now = options.now ?? Date.now;
  app.get(
    '/analytics',
    {
      schema: {
        tags: ['calls'],
        summary: 'Calls per day by outcome, latency per agent, extraction per field, transfers and cost',
        description:
          'Aggregated from the call items of the range (at most 5000 calls, newest first; `truncated` says ' +
          'when there were more). Cached for 30 s.',
        querystring: analyticsQuery,
        response: { 400: errorBodySchema, 401: errorBodySchema },
      },
    },
    async (request) => {
      const query = request.query as z.infer<typeof analyticsQuery>;
      const to = query.to ?? new Date(now()).toISOString();
      const from =
        query.from ??
        new Date(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS).toISOString().slice(0, 10) +
          'T00:00:00.000Z';
      return options.analytics.report({
        from,
        to,
        ...(query.agent_id ? { agent_id: query.agent_id } : {}),
        time_zone: query.tz ?? 'UTC',
      });
    },
  );
};
