// Lists that clients (the dashboard) build their selects from, so they never drift from the schema.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  AGENT_STATUSES,
  FIELD_TYPES,
  LLM_PROVIDERS,
  MEMORY_POLICIES,
  TRANSPORTS,
} from '../../domain/agent.js';
import { CALL_STATUSES, ENDED_BY, OUTCOMES } from '../../domain/call.js';
import { VOICES_BY_LANGUAGE } from '../../domain/voices.js';
import { errorBodySchema } from '../error-handler.js';

const languagesSchema = z.object({
  languages: z.array(z.object({ code: z.string(), name: z.string(), voices: z.array(z.string()) })),
});
const fieldTypesSchema = z.object({ field_types: z.array(z.string()) });
const enumsSchema = z.object({
  agent_statuses: z.array(z.string()),
  llm_providers: z.array(z.string()),
  transports: z.array(z.string()),
  memory_policies: z.array(z.string()),
  call_statuses: z.array(z.string()),
  ended_by: z.array(z.string()),
  outcomes: z.array(z.string()),
});

/** Each supported language with an English display name ("Hindi (India)") and its voices. */
export function languageList(): z.infer<typeof languagesSchema>['languages'] {
  const names = new Intl.DisplayNames(['en'], { type: 'language', languageDisplay: 'standard' });
  return Object.entries(VOICES_BY_LANGUAGE).map(([code, voices]) => ({
    code,
    name: names.of(code) ?? code,
    voices: [...voices],
  }));
}

export const metaRoutes: FastifyPluginAsync = async (app) => {
  const tags = ['meta'];
  const errors = { 401: errorBodySchema };

  app.get(
    '/meta/voices',
    {
      schema: {
        tags,
        summary: 'Supported languages and the voices that speak each',
        response: { 200: languagesSchema, ...errors },
      },
    },
    async () => ({ languages: languageList() }),
  );

  app.get(
    '/meta/field-types',
    {
      schema: {
        tags,
        summary: 'Types a data_to_fill field may have',
        response: { 200: fieldTypesSchema, ...errors },
      },
    },
    async () => ({ field_types: [...FIELD_TYPES] }),
  );

  app.get(
    '/meta/enums',
    {
      schema: {
        tags,
        summary:
          'Agent statuses, LLM providers, transports, memory policies, call statuses, ended_by and outcomes',
        response: { 200: enumsSchema, ...errors },
      },
    },
    async () => ({
      agent_statuses: [...AGENT_STATUSES],
      llm_providers: [...LLM_PROVIDERS],
      transports: [...TRANSPORTS],
      memory_policies: [...MEMORY_POLICIES],
      call_statuses: [...CALL_STATUSES],
      ended_by: [...ENDED_BY],
      outcomes: [...OUTCOMES],
    }),
  );
};
