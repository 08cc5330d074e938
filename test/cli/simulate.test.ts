// `voice-agent simulate` as a person and a script use it: a real process, its own in-process server.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, tempDir } from './run-cli.js';

function simulate(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = tempDir();
  const child = spawn(process.execPath, [BIN, 'simulate', ...args], {
    env: cliEnv(':memory:'),
    cwd: dir.path,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) =>
    child.on('close', (code) => {
      dir.remove();
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('voice-agent simulate', () => {
  it('--say … --json prints a finished call with its transcript and recording', async () => {
    const result = await simulate([
      '--agent',
      'customer-support-001',
      '--say',
      'Hi, my laptop will not start',
      '--say',
      'My name is Manas',
      '--say',
      'thanks, bye',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const call = JSON.parse(result.stdout);
    expect(call).toMatchObject({
      status: 'completed',
      ended_by: 'user',
      data_collected: { name: { value: 'Manas' } },
    });
    expect(call.transcript).toHaveLength(4);
    expect(call.recording).toMatchObject({ status: 'copied' });
    expect(call.recording.s3_key).toMatch(
      /^recordings\/AC[0-9a-f]{32}\/CA[0-9a-f]{32}\/RE[0-9a-f]{32}\.mp3$/,
    );
  }, 90_000);

  it('talks interactively from standard input, an empty line being silence', async () => {
    const result = await simulate(
      ['--agent', 'customer-support-001'],
      'my laptop is broken\nMy name is Manas\n\nbye\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('agent: Thanks, Manas.');
    expect(result.stdout).toContain('agent: Are you still there?');
    expect(result.stdout).toMatch(/ended by user/);
  }, 90_000);

  it('refuses bad arguments with exit code 2 and one message', async () => {
    const result = await simulate(['--agent', 'default', '--from', '12345']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
