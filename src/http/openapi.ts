import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import packageJson from '../../package.json' with { type: 'json' };
import { PUBLIC_PREFIXES } from './auth.js';
import { openApiTransform } from './zod-schemas.js';

/** Registers @fastify/swagger (before any route) and serves the document at GET /openapi.json. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'voice-agent admin API',
        version: packageJson.version,
        description: 'Every route needs `Authorization: Bearer <ADMIN_API_KEY>` unless marked otherwise.',
      },
      components: { securitySchemes: { adminKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ adminKey: [] }],
    },
    // Twilio webhooks are Twilio's contract, not part of the admin API.
    hiddenTag: 'hidden',
    transform: (input) => {
      const result = openApiTransform(input);
      if (PUBLIC_PREFIXES.some((prefix) => input.url.startsWith(prefix))) {
        return { ...result, schema: { ...result.schema, hide: true } };
      }
      return result;
    },
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
