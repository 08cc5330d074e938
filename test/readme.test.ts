import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ESM script without types
import { settingsTable } from '../scripts/settings-table.mjs';

const root = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

describe('README', () => {
  it('shows the settings table of .env.example (run `node scripts/settings-table.mjs --write`)', () => {
    const table = (settingsTable as (text: string) => string)(read('.env.example'));
    expect(read('README.md')).toContain(table);
  });

  it('has a Quick start with exactly two commands, and .ci/run runs the test one', () => {
    const readme = read('README.md');
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
    );
    const blocks = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks.slice(0, 2)).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    expect(read('.ci/run')).toContain('npm ci && npm test');
  });

  it('names only files and folders that exist in its architecture section', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('\n## More'));
    const paths = [...section.matchAll(/`((?:src|docs)\/[^`\s]+)`/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !existsSync(resolve(root, path.replace(/\/$/, ''))))).toEqual([]);
  });
});
