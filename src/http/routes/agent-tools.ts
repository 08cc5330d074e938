import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ToolCatalog } from '../../engine/tools/tool-catalog.js';
import type { AgentService } from '../../services/agent-service.js';
import { tryTool } from '../../services/tool-trial.js';
import { errorBodySchema } from '../error-handler.js';

const params = z
  .object({ id: z.string().min(1).max(64), name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a tool name') })
  .strict();
const body = z.object({ arguments: z.record(z.string(), z.unknown()).default({}) }).strict();
const result = z.object({
  tool: z.string(),
  status: z.string(),
  latency_ms: z.number(),
  http_status: z.number().optional(),
  response_bytes: z.number().optional(),
  error: z.string().optional(),
  response: z.unknown().optional(),
});

/** POST /agents/:id/tools/:name/try: runs one of the saved agent's tools for real, once. */
export const agentToolRoutes: FastifyPluginAsync<{ agents: AgentService; catalog: ToolCatalog }> = async (
  app,
  { agents, catalog },
) => {
  app.post(
    '/agents/:id/tools/:name/try',
    {
      schema: {
        tags: ['agents'],
        summary: "Run one of the agent's tools with sample arguments against its real endpoint",
        description:
          'The same checks and limits as on a call (argument schema, SSRF guard, signature, timeout, size cap); the answer comes back with personal data and secrets masked.',
        params,
        body,
        response: { 200: result, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { id, name } = request.params as z.infer<typeof params>;
      const { arguments: args } = request.body as z.infer<typeof body>;
      return tryTool(catalog, await agents.get(id), name, args);
    },
  );
};
