import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir } from './run-cli.js';

describe('voice-agent CLI', () => {
  const dir = tempDir();
  const env = cliEnv(join(dir.path, 'data'));
  afterAll(() => dir.remove());

  it('--help lists every command', async () => {
    const { code, stdout } = await runCli(['--help'], env, dir.path);
    expect(code).toBe(0);
    for (const command of [
      'serve',
      'agents list',
      'agents get <agent_id>',
      'agents create --file <path>',
      'agents update <agent_id> --file <path>',
      'agents archive <agent_id>',
      'agents import <dir>',
      'numbers assign <number> <agent_id>',
      'numbers unassign <number>',
      'numbers list',
      'numbers lookup <number>',
      'db create-tables',
      'db seed',
    ]) {
      expect(stdout).toContain(command);
    }
  });

  it('agents list --json shows the four seeded agents, and a table without --json', async () => {
    const json = await runCli(['agents', 'list', '--json'], env, dir.path);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const ids = (JSON.parse(json.stdout) as { agent_id: string }[]).map((a) => a.agent_id).sort();
    expect(ids).toEqual(['customer-support-001', 'default', 'hindi-support-001', 'sales-001']);

    const table = await runCli(['agents', 'list'], env, dir.path);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^AGENT_ID\s+NAME\s+LANGUAGE\s+VOICE\s+STATUS/);
    expect(table.stdout).toContain('hindi-support-001');
  });

  it('refuses a bad agent file with exit code 2 and a message naming the field', async () => {
    const bad = join(dir.path, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'x',
        prompt: 'p',
        voice: 'Polly.Joanna',
        language: 'en-US',
        greeting: 'Hi',
        colour: 'red',
      }),
    );
    const result = await runCli(['agents', 'create', '--file', bad], env, dir.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('colour');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stdout).toBe('');

    const missing = await runCli(['agents', 'create', '--file', join(dir.path, 'nope.json')], env, dir.path);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: no such file/);

    writeFileSync(bad, '{"name": ');
    const notJson = await runCli(['agents', 'create', '--file', bad], env, dir.path);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/bad\.json is not valid JSON/);
  });

  it('creates an agent from a file; exit codes: 2 for an invalid number, 1 for an unknown agent', async () => {
    const file = join(dir.path, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({
        agent_id: 'cli-1',
        name: 'CLI',
        prompt: 'p',
        voice: 'Polly.Aditi',
        language: 'hi-IN',
        greeting: 'नमस्ते',
      }),
    );
    // One at a time: two commands without a server would race for the data folder.
    const created = await runCli(['agents', 'create', '--file', file, '--json'], env, dir.path);
    const invalid = await runCli(['numbers', 'assign', '+1555', 'cli-1'], env, dir.path);
    const unknown = await runCli(['agents', 'get', 'nobody'], env, dir.path);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ agent_id: 'cli-1', version: 1 });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('phone_number');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('error: agent nobody not found');
  });

  it('imports agents with tools from a folder; a bad tool is reported invalid, naming its field', async () => {
    const folder = join(dir.path, 'with-tools');
    mkdirSync(folder);
    copyFileSync(
      new URL('../../examples/order-support-001.json', import.meta.url),
      join(folder, 'orders.json'),
    );
    writeFileSync(
      join(folder, 'bad-tool.json'),
      JSON.stringify({
        agent_id: 'bad-tool',
        name: 'Bad tool',
        prompt: 'p',
        voice: 'Polly.Joanna',
        language: 'en-US',
        greeting: 'Hi',
        tools: [
          {
            type: 'http',
            name: 'end_call',
            description: 'Clashes with a built-in tool',
            parameters: { type: 'object' },
            request: { url: 'https://api.example.com/x' },
          },
        ],
      }),
    );
    const result = await runCli(['agents', 'import', folder, '--json'], env, dir.path);
    expect(result.stderr).toBe('');
    const rows = JSON.parse(result.stdout) as { agent_id: string; result: string; message?: string }[];
    expect(rows.find((r) => r.agent_id === 'order-support-001')).toMatchObject({ result: 'created' });
    expect(rows.find((r) => r.agent_id === 'bad-tool')).toMatchObject({ result: 'invalid' });
    expect(rows.find((r) => r.agent_id === 'bad-tool')?.message).toContain('tools.0.name');
    const stored = await runCli(['agents', 'get', 'order-support-001', '--json'], env, dir.path);
    expect(JSON.parse(stored.stdout).tools[0]).toMatchObject({ name: 'lookup_order', timeout_ms: 3000 });
  });
});
