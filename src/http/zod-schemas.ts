// Route schemas are zod schemas: zod validates requests (and applies defaults), and the OpenAPI
// document is generated from the same schemas with z.toJSONSchema, so the docs cannot drift and
// Fastify's ajv never rejects or strips anything differently from zod.
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { appErrorFromZod } from '../services/validation.js';

export function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** Installs zod as the validator and plain JSON.stringify as the serializer for every route. */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, method, url, httpPart }) => {
    if (!isZodSchema(schema)) {
      throw new Error(
        `${method} ${url}: the ${httpPart} schema must be a zod schema (see src/http/zod-schemas.ts)`,
      );
    }
    // Headers are only checked, never replaced: a header schema names a few headers, not all.
    const replace = httpPart !== 'headers';
    return (data: unknown) => {
      const result = schema.safeParse(data);
      if (!result.success) return { error: appErrorFromZod(result.error) };
      return replace ? { value: result.data } : {};
    };
  });
  // Response schemas document the API; replies are built from validated data, so no filtering here.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
}

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;

interface TransformInput {
  schema: FastifySchema | undefined;
  url: string;
  route?: { config?: { public?: boolean } };
}

/** @fastify/swagger `transform`: zod schemas to JSON Schema; public routes need no credentials. */
export function openApiTransform({ schema, url, route }: TransformInput): {
  schema: FastifySchema;
  url: string;
} {
  const out: Record<string, unknown> = { ...(schema ?? {}) };
  for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
    const value = out[part];
    if (isZodSchema(value)) out[part] = toJsonSchema(value, 'input');
  }
  const response = out.response as Record<string, unknown> | undefined;
  if (response) {
    out.response = Object.fromEntries(
      Object.entries(response).map(([status, value]) => [
        status,
        isZodSchema(value) ? toJsonSchema(value, 'output') : value,
      ]),
    );
  }
  if (route?.config?.public) out.security = [];
  return { schema: out as FastifySchema, url };
}
