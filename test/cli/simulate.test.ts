// `voice-agent simulate` as a person and a script use it: a real process, its own in-process server.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import { closedPort } from '../fakes/closed-port.js';
import { PUBLIC_URL, startLiveServer } from '../support/live-server.js';
import { BIN, cliEnv, runCli, tempDir } from './run-cli.js';

function simulate(
  args: string[],
  stdin?: string,
  env: NodeJS.ProcessEnv = cliEnv(':memory:'),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = tempDir();
  const child = spawn(process.execPath, [BIN, 'simulate', ...args], {
    env,
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
      direction: 'outbound',
      status: 'completed',
      ended_by: 'user',
      data_collected: { name: { value: 'Manas' } },
    });
    expect(call.transcript).toHaveLength(4);
    // Typed lines reach the server as Twilio's recognizer writes them.
    expect((call.transcript as { caller?: string }[]).map((turn) => turn.caller).slice(1)).toEqual([
      'Hi, my laptop will not start.',
      'My name is Manas.',
      'Thanks, bye.',
    ]);
    // The call our server places asks Twilio for a recording (Record, RECORD_CALLS on).
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

  it('--transport relay presses keys and drops the socket where the command line says', async () => {
    const args = [
      '--agent',
      'customer-support-001',
      '--transport',
      'relay',
      '--say',
      'Hi, my laptop will not start',
      '--press',
      '1',
      '--say',
      'My name is Manas',
      '--drop-after',
      '1',
    ];
    const shown = await simulate(args);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    const at = (text: string) => lines.findIndex((line) => line === text);
    expect(at('caller: [pressed 1]')).toBeGreaterThan(at('caller: Hi, my laptop will not start.'));
    expect(at('agent: [socket lost]')).toBeGreaterThan(at('caller: Hi, my laptop will not start.'));
    expect(at('agent: [reconnected, no greeting]')).toBeGreaterThan(at('agent: [socket lost]'));
    expect(at('caller: My name is Manas.')).toBeGreaterThan(at('caller: [pressed 1]'));

    const json = await simulate([...args, '--json']);
    expect(json.code).toBe(0);
    const call = JSON.parse(json.stdout);
    expect(call.relay_sessions).toBe(2);
    const callerSaid = (call.transcript as { caller?: string }[]).map((turn) => turn.caller);
    expect(callerSaid.slice(1, 4)).toEqual(['Hi, my laptop will not start.', '1', 'My name is Manas.']);
    expect(call.data_collected).toMatchObject({ name: { value: 'Manas' } });
  }, 120_000);

  it.each([
    [['--press', '12a', '--say', 'hi'], '--press: keypad keys'],
    [['--transport', 'relay', '--press', '12a'], '--press: keypad keys'],
    [['--transport', 'relay', '--say', 'hi', '--drop-after', '2'], '--drop-after: a line number from 1 to 1'],
  ])(
    'refuses %j with exit code 2',
    async (extra, message) => {
      const result = await simulate(['--agent', 'default', ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    },
    60_000,
  );

  it('refuses bad arguments with exit code 2 and one message', async () => {
    const result = await simulate(['--agent', 'default', '--from', '12345']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it.each([
    [['--inbound', '--agent', 'default', '--say', 'hi'], '--agent: not with --inbound'],
    [['--agent', 'default', '--from', 'anonymous', '--say', 'hi'], '--from anonymous: only with --inbound'],
    [['--agent', 'default', '--to', '+14155550100', '--say', 'hi'], '--to: only with --inbound'],
    [['--inbound', '--stir-verstat', 'A', '--say', 'hi'], '--stir-verstat: one of TN-Validation-Passed-A'],
    [['--inbound', '--to', '4155550100', '--say', 'hi'], '--to: our number in E.164'],
    [['--say', 'hi'], '--agent: the agent to call'],
  ])(
    'refuses %j with exit code 2',
    async (args, message) => {
      const result = await simulate(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    },
    60_000,
  );
});

describe('voice-agent simulate --inbound', () => {
  const OUR_NUMBER = '+14155550142';

  /** A fresh DATA_DIR where OUR_NUMBER is assigned to customer-support-001, as the README shows. */
  async function withAssignedNumber(extra: Record<string, string> = {}) {
    const dir = tempDir('voice-agent-inbound-');
    const env = cliEnv(join(dir.path, 'data'), extra);
    const assigned = await runCli(['numbers', 'assign', OUR_NUMBER, 'customer-support-001'], env, dir.path);
    expect(assigned.stderr).toBe('');
    expect(assigned.code).toBe(0);
    return { dir, env };
  }

  it('calls our number as Twilio would: the number picks the agent, and the answer asks for the recording', async () => {
    const { dir, env } = await withAssignedNumber();
    try {
      const args = [
        '--inbound',
        '--to',
        OUR_NUMBER,
        '--say',
        'Hi, my laptop will not start',
        '--say',
        'thanks, bye',
      ];
      const result = await simulate([...args, '--json'], undefined, env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const call = JSON.parse(result.stdout);
      expect(call).toMatchObject({
        agent_id: 'customer-support-001',
        direction: 'inbound',
        status: 'completed',
        recording: { status: 'copied', s3_key: expect.stringMatching(/\.mp3$/) },
      });

      // With RECORD_CALLS off the answer asks for none, so Twilio (and the simulator) sends none.
      const unrecorded = await simulate([...args, '--json'], undefined, { ...env, RECORD_CALLS: 'false' });
      expect(unrecorded.code).toBe(0);
      const plain = JSON.parse(unrecorded.stdout);
      expect(plain).toMatchObject({ agent_id: 'customer-support-001', direction: 'inbound' });
      expect(plain.recording).toBeUndefined();
    } finally {
      dir.remove();
    }
  }, 120_000);

  it('places a call from a withheld number', async () => {
    const { dir, env } = await withAssignedNumber({ RECORD_CALLS: 'false' });
    try {
      const result = await simulate(
        ['--inbound', '--to', OUR_NUMBER, '--from', 'anonymous', '--say', 'hello', '--json'],
        undefined,
        env,
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        direction: 'inbound',
        agent_id: 'customer-support-001',
      });
    } finally {
      dir.remove();
    }
  }, 120_000);
});

describe('voice-agent simulate --url (a server already running)', () => {
  const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
  const AUTH_TOKEN = 'simulate-running-server-token';

  async function run(twilioApiUrl: string | undefined) {
    const settings = {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      ...(twilioApiUrl ? { TWILIO_API_URL: twilioApiUrl } : {}),
    };
    const server = await startLiveServer(settings);
    try {
      const env = cliEnv(':memory:', { ...settings, ADMIN_API_KEY: TEST_ADMIN_KEY });
      const args = ['--agent', 'customer-support-001', '--say', 'thanks, bye', '--json'];
      return await simulate([...args, '--url', server.url, '--public-url', PUBLIC_URL], undefined, env);
    } finally {
      await server.close();
    }
  }

  it("serves the recording at the server's loopback TWILIO_API_URL, where it fetches recordings", async () => {
    const result = await run(`http://127.0.0.1:${await closedPort()}`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).recording).toMatchObject({ status: 'copied' });
  }, 90_000);

  it('says why it delivers no recording when the server fetches only from Twilio', async () => {
    const result = await run(undefined);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/recording not delivered: .*TWILIO_API_URL \(unset\)/);
    expect(JSON.parse(result.stdout).recording).toBeUndefined();
  }, 90_000);
});
