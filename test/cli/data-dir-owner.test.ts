// One DATA_DIR, several processes: a server owns its embedded database or does not start (a second
// server is refused; a command that holds the folder is waited for), only the owner writes the
// discovery record, and simulate finds a server on any port and signs for its PUBLIC_URL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../fakes/closed-port.js';
import { BIN, cliEnv, runCli, startServe, tempDir, type ServerProcess } from './run-cli.js';

const running: ServerProcess[] = [];
const folders: { remove(): void }[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) if (server.child.exitCode === null) await server.stop();
  for (const folder of folders.splice(0)) folder.remove();
});

function setUp() {
  const dir = tempDir();
  folders.push(dir);
  const dataDir = join(dir.path, 'data');
  return { cwd: dir.path, dataDir, env: cliEnv(dataDir) };
}

const record = (dataDir: string) =>
  existsSync(join(dataDir, 'embedded.json'))
    ? (JSON.parse(readFileSync(join(dataDir, 'embedded.json'), 'utf8')) as Record<string, unknown>)
    : undefined;

const adminKey = (dataDir: string) => readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();

const SAY = ['--say', 'Hi, my laptop will not start', '--say', 'thanks, bye', '--json'];

describe('simulate against a running server', () => {
  it('finds a server on another port than the CLI would use, and signs for its PUBLIC_URL', async () => {
    const { cwd, dataDir, env: base } = setUp();
    // Both read one .env in real life: simulate serves recordings where the server fetches them.
    const env: NodeJS.ProcessEnv = { ...base, TWILIO_API_URL: `http://127.0.0.1:${await closedPort()}` };
    const port = await closedPort();
    const server = await startServe({ ...env, PORT: String(port) }, cwd);
    running.push(server);
    expect(record(dataDir)).toMatchObject({
      pid: server.child.pid,
      role: 'server',
      public_url: `http://localhost:${port}`,
    });
    // The CLI's own settings would sign for http://localhost:3000.
    const { PORT: _port, ...cliSettings } = env;
    const headers = { authorization: `Bearer ${adminKey(dataDir)}` };

    for (const args of [SAY, ['--url', server.url, ...SAY], ['--url', `http://localhost:${port}`, ...SAY]]) {
      const result = await runCli(['simulate', '--agent', 'customer-support-001', ...args], cliSettings, cwd);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const { call_sid: sid } = JSON.parse(result.stdout) as { call_sid: string };
      const stored = await fetch(`${server.url}/calls/${sid}`, { headers });
      expect(stored.status).toBe(200);
      expect(await stored.json()).toMatchObject({
        call_sid: sid,
        status: 'completed',
        recording: { status: 'copied' },
      });
    }
  }, 180_000);

  it('--help says which URL signatures cover', async () => {
    const { cwd, env } = setUp();
    const help = await runCli(['simulate', '--help'], env, cwd);
    expect(help.stdout).toMatch(/--url <url>[\s\S]*signed[\s\S]*--public-url/);
  });
});

describe('a server on a DATA_DIR another process holds', () => {
  it('waits for a command that holds the folder instead of sharing its database', async () => {
    const { cwd, dataDir, env } = setUp();
    // An interactive simulate holds the folder (its own in-process server) until its input ends.
    const command = spawn(process.execPath, [BIN, 'simulate', '--agent', 'customer-support-001'], {
      env,
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let said = '';
    command.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const commandExit = new Promise<number | null>((done) => command.on('exit', done));
    await new Promise<void>((done) => {
      const check = () => (said.includes('you: ') ? done() : setTimeout(check, 100));
      check();
    });
    expect(record(dataDir)).toMatchObject({ pid: command.pid, role: 'cli' });

    let released = false;
    const server = await startServe(env, cwd, 90_000, (output) => {
      if (!released && output.includes('waiting up to')) {
        released = true;
        command.stdin.end('thanks, bye\n');
      }
    });
    running.push(server);
    expect(server.output()).toContain(`in use by a voice-agent command (pid ${command.pid})`);
    expect(server.output()).not.toContain('shared with another process');
    expect(await commandExit).toBe(0);

    // The command is gone; the server's database is its own.
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { store: 'up' } });
    const agents = await fetch(`${server.url}/agents`, {
      headers: { authorization: `Bearer ${adminKey(dataDir)}` },
    });
    expect(agents.status).toBe(200);
    expect(record(dataDir)).toMatchObject({ pid: server.child.pid, role: 'server' });
  }, 180_000);

  it('refuses a second server with exit code 2 naming the first, which keeps its record', async () => {
    const { cwd, dataDir, env } = setUp();
    const first = await startServe(env, cwd);
    running.push(first);
    const mine = record(dataDir);
    expect(mine).toMatchObject({ pid: first.child.pid, role: 'server', server_url: first.url });

    const second = await runCli(['serve'], env, cwd);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`in use by voice-agent serve (pid ${first.child.pid}, ${first.url})`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(record(dataDir)).toEqual(mine);

    expect(await first.stop()).toBe(0);
    expect(record(dataDir)).toBeUndefined();
    // Nothing stale is left: the CLI opens the folder itself.
    const listed = await runCli(['agents', 'list', '--json'], env, cwd);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
  }, 180_000);
});
