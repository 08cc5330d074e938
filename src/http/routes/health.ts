import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

export interface HealthOptions {
  mode: () => { store: 'embedded' | 'aws'; llm: string };
}

const healthSchema = z.object({
  status: z.literal('ok'),
  mode: z.object({ store: z.enum(['embedded', 'aws']), llm: z.string() }),
});

/** GET /health: liveness for load balancers and people; no auth, no personal data. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: healthSchema } } },
    async () => ({ status: 'ok' as const, mode: options.mode() }),
  );
};
