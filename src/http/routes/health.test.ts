import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createContainer } from '../../container.js';
import { createLogger } from '../../logger.js';
import { buildApp } from '../app.js';
import { closedPort } from '../../../test/fakes/closed-port.js';
import { createTestApp, type TestApp } from '../testing.js';

describe('GET /health and GET /openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers /health without auth, with the store and LLM mode', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      mode: { store: 'embedded', llm: 'scripted mode: no LLM configured (set LLM_PROVIDER)' },
      checks: { store: 'up' },
      event_loop: { p99_ms: expect.any(Number), max_ms: expect.any(Number) },
    });
  });

  it('answers 503 with the store down when DynamoDB does not answer', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'health-'));
    const config = loadConfig(
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent', DYNAMODB_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
      '',
    );
    const container = await createContainer(config, { logger: createLogger(config), role: 'cli' });
    const app = await buildApp(container);
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: 'unavailable', checks: { store: 'down' } });
    } finally {
      await app.close();
      await container.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('serves the OpenAPI document without auth, with /agents and the agent schema from zod', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/agents',
        '/agents/{id}',
        '/phone-numbers',
        '/phone-numbers/{number}',
        '/health',
      ]),
    );
    expect(doc.paths['/openapi.json']).toBeUndefined();
    const create = doc.paths['/agents'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.properties.greeting).toMatchObject({ type: 'string', maxLength: 1000 });
    expect(body.properties.data_to_fill.items.properties.type.enum).toContain('email');
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(
      expect.arrayContaining(['name', 'prompt', 'voice', 'language', 'greeting']),
    );
    const agent = create.responses['201'].content['application/json'].schema;
    expect(agent.properties).toHaveProperty('version');
    expect(doc.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/health'].get.security).toEqual([]);
    const list = doc.paths['/agents'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['status', 'limit', 'cursor']));
  });

  it('answers unknown routes with a JSON 404 once authenticated, 401 before', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(anonymous.statusCode).toBe(401);
    const response = await t.app.inject({ method: 'GET', url: '/nope', headers: t.auth });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
  });
});
