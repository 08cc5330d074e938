import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { EventLoopDelay } from '../../services/event-loop-monitor.js';

export interface HealthOptions {
  mode: () => { store: 'embedded' | 'aws'; llm: string };
  /** Whether the store answers a read now. */
  storeAnswers: () => Promise<boolean>;
  /** Event-loop delay: a stalled loop delays every call on this instance. */
  eventLoop: () => EventLoopDelay;
}

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  mode: z.object({ store: z.enum(['embedded', 'aws']), llm: z.string() }),
  checks: z.object({ store: z.enum(['up', 'down']) }),
  event_loop: z.object({ p99_ms: z.number(), max_ms: z.number() }),
});

/**
 * GET /health: no auth, no personal data. 503 when the store does not answer, so a load balancer
 * stops sending calls to an instance that could not store their turns.
 */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { tags: ['health'], response: { 200: healthSchema, 503: healthSchema } },
    },
    async (_request, reply) => {
      const up = await options.storeAnswers();
      return reply.code(up ? 200 : 503).send({
        status: up ? ('ok' as const) : ('unavailable' as const),
        mode: options.mode(),
        checks: { store: up ? ('up' as const) : ('down' as const) },
        event_loop: options.eventLoop(),
      });
    },
  );
};
