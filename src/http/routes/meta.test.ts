import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../../domain/agent.js';
import { VOICES_BY_LANGUAGE } from '../../domain/voices.js';
import { createTestApp, type TestApp } from '../testing.js';

describe('meta routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists every language with a readable name and exactly its voices', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/meta/voices', headers: t.auth });
    expect(response.statusCode).toBe(200);
    const languages = response.json().languages as { code: string; name: string; voices: string[] }[];
    expect(languages.map((l) => l.code)).toEqual(Object.keys(VOICES_BY_LANGUAGE));
    const hindi = languages.find((l) => l.code === 'hi-IN');
    expect(hindi?.name).toBe('Hindi (India)');
    expect(hindi?.voices).toEqual(VOICES_BY_LANGUAGE['hi-IN']);
    expect(hindi?.voices).not.toContain('Polly.Joanna');
  });

  it('lists field types and enums, and needs admin access', async () => {
    const types = await t.app.inject({ method: 'GET', url: '/meta/field-types', headers: t.auth });
    expect(types.json()).toEqual({ field_types: [...FIELD_TYPES] });
    const enums = await t.app.inject({ method: 'GET', url: '/meta/enums', headers: t.auth });
    expect(enums.json().call_statuses).toContain('in-progress');
    expect(enums.json().transports).toEqual(['gather', 'relay', 'realtime']);
    expect(enums.json().memory_policies).toEqual(['verified', 'any', 'off']);
    expect((await t.app.inject({ method: 'GET', url: '/meta/voices' })).statusCode).toBe(401);
  });
});
