import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closedPort } from '../../../test/fakes/closed-port.js';
import { extractOne, registerExtractCommand } from './extract.js';

async function run(args: string[], stdinLines: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  let exitCode: number | undefined;
  const program = new Command().exitOverride();
  registerExtractCommand(program, {
    stdin: Readable.from(stdinLines.map((l) => `${l}\n`)),
    writeOut: (line) => out.push(line),
    writeErr: (line) => err.push(line),
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  await program.parseAsync(['node', 'voice-agent', 'extract', ...args]);
  return { out, err, exitCode };
}

describe('extract command', () => {
  it('prints one JSON line with the value', async () => {
    const result = await run(['--type', 'email', "it's john dot smith at gmail dot com"]);
    expect(result).toEqual({
      out: ['{"type":"email","value":"john.smith@gmail.com"}'],
      err: [],
      exitCode: undefined,
    });
  });

  it('prints null when nothing valid is said', async () => {
    expect((await run(['--type', 'phone', '555 12'])).out).toEqual(['{"type":"phone","value":null}']);
  });

  it('resolves dates against --now in --timezone', async () => {
    const args = [
      '--type',
      'date',
      '--now',
      '2026-03-10T03:30:00Z',
      '--timezone',
      'America/New_York',
      'tomorrow',
    ];
    expect((await run(args)).out).toEqual(['{"type":"date","value":"2026-03-10"}']);
    const kolkata = [
      '--type',
      'date',
      '--now',
      '2026-03-10T03:30:00Z',
      '--timezone',
      'Asia/Kolkata',
      'tomorrow',
    ];
    expect((await run(kolkata)).out).toEqual(['{"type":"date","value":"2026-03-11"}']);
  });

  it('uses --language and --region for phone numbers', async () => {
    expect((await run(['--type', 'phone', '--language', 'hi-IN', '98765 43210'])).out).toEqual([
      '{"type":"phone","value":"+919876543210"}',
    ]);
    expect((await run(['--type', 'phone', '--region', 'gb', '020 7946 0958'])).out).toEqual([
      '{"type":"phone","value":"+442079460958"}',
    ]);
  });

  it('takes enum options', async () => {
    expect((await run(['--type', 'enum', '--options', 'sales, billing', 'billng please'])).out).toEqual([
      '{"type":"enum","value":"billing"}',
    ]);
  });

  it.each([
    [['--type', 'colour', 'red'], /type must be one of/],
    [['--type', 'name'], /missing text/],
    [['--type', 'date', '--now', 'yesterday', 'tomorrow'], /now must be an ISO date-time/],
    [['--type', 'date', '--timezone', 'Mars/Olympus', 'tomorrow'], /timezone must be an IANA zone/],
    [['--type', 'enum', 'red'], /an enum needs options/],
    [['--type', 'name', '--llm', 'John'], /LLM_PROVIDER/],
  ])('rejects bad arguments %j with one line on stderr and exit code 2', async (args, message) => {
    const result = await run(args);
    expect(result.out).toEqual([]);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(message);
    expect(result.exitCode).toBe(2);
  });

  it('answers JSONL requests in order, one line for every input line, blank ones included', async () => {
    const result = await run(
      ['--jsonl'],
      [
        '{"type":"name","text":"my name is manas"}',
        'not json',
        '',
        '{"type":"phone","text":"nine eight seven six five four three two one zero","language":"hi-IN"}',
        '{"type":"bogus","text":"x"}',
        '{"type":"date","text":"कल","now":"2026-03-09T15:00:00Z","timezone":"Asia/Kolkata"}',
        '{"type":"enum","text":"the blue one","options":["red","blue"]}',
      ],
    );
    expect(result.exitCode).toBeUndefined();
    expect(result.out).toEqual([
      '{"type":"name","value":"Manas"}',
      '{"error":"not a JSON object"}',
      '{"error":"blank line: expected a JSON object"}',
      '{"type":"phone","value":"+919876543210"}',
      expect.stringMatching(/^\{"error":"type must be one of/),
      '{"type":"date","value":"2026-03-10"}',
      '{"type":"enum","value":"blue"}',
    ]);
  });

  it('answers JSONL lines as speech recognizers write them; keys it does not read, such as expected, are ignored', async () => {
    const lines = [
      {
        type: 'phone',
        text: 'My number is four one five five five five zero one zero zero.',
        expected: '+14155550100',
      },
      { type: 'phone', text: 'Four one five, five five five, oh one double oh?' },
      { type: 'phone', text: 'मेरा नंबर है नौ आठ सात छह पांच, चार तीन दो एक शून्य।', language: 'hi-IN' },
      { type: 'email', text: 'J-O-H-N dot Smith at the rate Gmail dot com.', language: 'en-IN' },
      { type: 'name', text: 'My first name is John, last name Smith.' },
      { type: 'name', text: 'Smith, John.' },
      { type: 'date', text: 'March the third.', now: '2026-03-09T15:00:00Z', timezone: 'America/New_York' },
      {
        type: 'date',
        text: 'Parson.',
        language: 'en-IN',
        now: '2026-03-09T15:00:00Z',
        timezone: 'Asia/Kolkata',
      },
      { type: 'number', text: 'Twenty-five thousand, five hundred.' },
      { type: 'boolean', text: 'Ji nahin.', language: 'en-IN' },
      { type: 'enum', text: 'Tech support, please.', options: ['sales', 'technical support', 'billing'] },
    ];
    const result = await run(
      ['--jsonl'],
      lines.map((line) => JSON.stringify(line)),
    );
    expect(result.out.map((line) => (JSON.parse(line) as { value: unknown }).value)).toEqual([
      '+14155550100',
      '+14155550100',
      '+919876543210',
      'john.smith@gmail.com',
      'John Smith',
      'John Smith',
      '2027-03-03',
      '2026-03-11',
      25500,
      false,
      'technical support',
    ]);
    expect(result.err).toEqual([]);
  });

  describe('with --llm and a model that cannot be reached', () => {
    beforeEach(async () => {
      vi.stubEnv('LLM_PROVIDER', 'openai-compatible');
      vi.stubEnv('OPENAI_COMPATIBLE_BASE_URL', `http://127.0.0.1:${await closedPort()}/v1`);
      vi.stubEnv('LLM_MODEL', 'nothing-listens');
    });
    afterEach(() => vi.unstubAllEnvs());

    it('answers with the rules and warns once on stderr', async () => {
      const result = await run(['--llm', '--type', 'email', 'john twenty three at gmail dot com']);
      expect(result.out).toEqual(['{"type":"email","value":"john23@gmail.com"}']);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(/^extract: warning: the model failed .*answering with the rules$/);
      expect(result.exitCode).toBeUndefined();
    });

    it('still rejects bad arguments with exit code 2', async () => {
      const result = await run(['--llm', '--type', 'colour', 'red']);
      expect(result.err).toEqual([expect.stringMatching(/type must be one of/)]);
      expect(result.exitCode).toBe(2);
    });

    it('answers every JSONL line in order after the model fails', async () => {
      const result = await run(
        ['--llm', '--jsonl'],
        ['{"type":"name","text":"mera naam Rahul hai"}', '   ', '{"type":"number","text":"पच्चीस"}'],
      );
      expect(result.out).toEqual([
        '{"type":"name","value":"Rahul"}',
        '{"error":"blank line: expected a JSON object"}',
        '{"type":"number","value":25}',
      ]);
      expect(result.err).toHaveLength(1);
      expect(result.exitCode).toBeUndefined();
    });
  });

  it('extractOne validates its input', () => {
    expect(extractOne({ type: 'boolean', text: 'जी हाँ', language: 'hi-IN' })).toEqual({
      type: 'boolean',
      value: true,
    });
    expect(() => extractOne({ type: 'number' })).toThrow(/text is required/);
  });
});
