// GET /metrics: Prometheus' text format. Its own bearer token (METRICS_TOKEN), so a scraper never
// holds the admin key; the admin key works too. A wrong token counts as a wrong admin key (backoff).
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { bearerKey, keyMatches } from '../auth.js';
import { errorBodySchema } from '../error-handler.js';

export interface MetricsRoutesOptions {
  render: () => Promise<{ contentType: string; body: string }>;
  /** METRICS_TOKEN; without it only the admin key opens /metrics. */
  token?: string;
}

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
  app.get(
    '/metrics',
    {
      // Public to the admin check: this route checks its own token, then the admin key.
      config: { public: true },
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (METRICS_TOKEN or the admin key as the bearer)',
        response: { 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const presented = bearerKey(request.headers.authorization);
      if (presented === undefined) {
        reply.header('www-authenticate', 'Bearer');
        throw new AppError('unauthorized', 'send Authorization: Bearer <METRICS_TOKEN or admin key>');
      }
      if (!(options.token && keyMatches(presented, options.token))) {
        reply.header('www-authenticate', 'Bearer');
        app.checkAdminKey(request, presented);
      }
      const { contentType, body } = await options.render();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    },
  );
};
