import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir } from './run-cli.js';

describe('voice-agent extract --jsonl', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reads utterances as recognizers write them, one answer line for each, in order', async () => {
    const now = { now: '2026-03-09T15:00:00Z', timezone: 'Asia/Kolkata' };
    const lines = [
      { type: 'phone', text: 'My number is four one five five five five zero one zero zero.' },
      { type: 'phone', text: 'मेरा नंबर ९८७६५ ४३२१० है।', language: 'hi-IN' },
      { type: 'email', text: 'Priya dot K at the rate Gmail dot com.', language: 'en-IN' },
      { type: 'name', text: 'मेरा नाम है प्रिया शर्मा।', language: 'hi-IN' },
      { type: 'date', text: 'कल।', language: 'hi-IN', ...now },
      { type: 'number', text: '25 हज़ार।', language: 'hi-IN' },
      { type: 'boolean', text: 'Uh-huh.' },
      { type: 'enum', text: 'बिलिंग।', language: 'hi-IN', options: ['sales', 'billing'] },
    ];
    const stdin = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
    const result = await runCli(['extract', '--jsonl'], cliEnv(join(dir.path, 'data')), dir.path, stdin);
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
