import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('.env.example', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../.env.example'), 'utf8');
  const lines = text.split('\n');
  const listed = lines.map((line) => /^#?\s?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1]).filter(Boolean) as string[];

  it('lists every setting of the environment schema in config.ts', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../src/config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const envSchema'), source.indexOf('export type Env'));
    const settings = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(settings.length).toBeGreaterThan(30);
    expect(settings.filter((key) => !listed.includes(key!))).toEqual([]);
    // TOOL_SECRET_<NAME> is a family of settings (one per secret a tool names), read by prefix.
    expect(listed.filter((key) => !settings.includes(key) && !key.startsWith('TOOL_SECRET_'))).toEqual([]);
    expect(listed.some((key) => key.startsWith('TOOL_SECRET_'))).toBe(true);
  });

  it('sets nothing: the local default needs no setting', () => {
    expect(lines.filter((line) => /^[A-Z]/.test(line))).toEqual([]);
  });
});
