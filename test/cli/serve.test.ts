import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, startServe, tempDir, type ServerProcess } from './run-cli.js';

describe('voice-agent serve', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const env = cliEnv(dataDir);
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of running) if (server.child.exitCode === null) await server.stop();
    dir.remove();
  });

  it('shares DATA_DIR with the CLI while running, and keeps data across a restart', async () => {
    const first = await startServe(env, dir.path);
    running.push(first);
    expect(first.output()).toContain('scripted mode: no LLM configured');
    expect(first.output()).toContain(join(dataDir, 'admin-api-key'));
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    expect(first.output()).not.toContain(key);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    expect((await fetch(`${first.url}/agents`)).status).toBe(401);
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', mode: { store: 'embedded' } });

    // The CLI on the same folder while the server holds it: it goes through the server's database.
    const [listed, created] = await Promise.all([
      runCli(['agents', 'list', '--json'], env, dir.path),
      fetch(`${first.url}/agents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          agent_id: 'survivor',
          name: 'S',
          prompt: 'p',
          voice: 'Polly.Joanna',
          language: 'en-US',
          greeting: 'Hi',
        }),
      }),
    ]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBeGreaterThanOrEqual(4);
    expect(created.status).toBe(201);

    const archived = await runCli(['agents', 'archive', 'survivor'], env, dir.path);
    expect(archived.code).toBe(0);

    expect(await first.stop()).toBe(0);

    const second = await startServe(env, dir.path);
    running.push(second);
    expect(second.output()).not.toContain('Seeded agents');
    const read = await fetch(`${second.url}/agents/survivor`, { headers });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ agent_id: 'survivor', status: 'archived', version: 2 });
    expect(await second.stop()).toBe(0);
    // Two server starts and two CLI processes: seconds each on a loaded 2-core machine.
  }, 120_000);
});
