import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, tempDir } from './run-cli.js';

/** Runs the real `voice-agent extract --jsonl` with `lines` on its stdin. */
function extractJsonl(lines: object[], env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'extract', '--jsonl'], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  });
}

describe('voice-agent extract --jsonl', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reads utterances as recognizers write them, one answer line for each, in order', async () => {
    const now = { now: '2026-03-09T15:00:00Z', timezone: 'Asia/Kolkata' };
    const result = await extractJsonl(
      [
        { type: 'phone', text: 'My number is four one five five five five zero one zero zero.' },
        { type: 'phone', text: 'मेरा नंबर ९८७६५ ४३२१० है।', language: 'hi-IN' },
        { type: 'email', text: 'Priya dot K at the rate Gmail dot com.', language: 'en-IN' },
        { type: 'name', text: 'मेरा नाम है प्रिया शर्मा।', language: 'hi-IN' },
        { type: 'date', text: 'कल।', language: 'hi-IN', ...now },
        { type: 'number', text: '25 हज़ार।', language: 'hi-IN' },
        { type: 'boolean', text: 'Uh-huh.' },
        { type: 'enum', text: 'बिलिंग।', language: 'hi-IN', options: ['sales', 'billing'] },
      ],
      cliEnv(join(dir.path, 'data')),
      dir.path,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      '{"type":"phone","value":"+14155550100"}',
      '{"type":"phone","value":"+919876543210"}',
      '{"type":"email","value":"priya.k@gmail.com"}',
      '{"type":"name","value":"प्रिया शर्मा"}',
      '{"type":"date","value":"2026-03-10"}',
      '{"type":"number","value":25000}',
      '{"type":"boolean","value":true}',
      '{"type":"enum","value":"billing"}',
    ]);
  });
});
