// `numbers connect` and `calls list|get|place` against the fake Twilio REST server. The commands
// run in process on a prepared container (fast); two runs of the real CLI binary check the wiring
// and the exit codes end to end.
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCallsCommand } from '../../src/cli/commands/calls.js';
import type { CommandDeps } from '../../src/cli/commands/command-deps.js';
import { registerNumbersConnectCommand } from '../../src/cli/commands/numbers-connect.js';
import { reportError } from '../../src/cli/output.js';
import type { Config } from '../../src/config.js';
import { cliEnv, runCli, tempDir } from '../cli/run-cli.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest-server.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const OUR_NUMBER = '+14155550100';
const OTHER_NUMBER = '+14155550101';
const CALLEE = '+14155550123';

let twilio: FakeTwilioRest;
let server: LiveServer;

beforeAll(async () => {
  twilio = await startFakeTwilioRest({ phoneNumbers: [OUR_NUMBER, OTHER_NUMBER] });
  server = await startLiveServer({
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
  });
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

interface Run {
  stdout: string;
  /** 0, or the exit code the CLI gives the error. */
  code: number;
  stderr: string;
}

/** Runs one command in process; `config` overrides settings of the server's configuration. */
async function run(args: string[], config: Partial<Config> = {}): Promise<Run> {
  const deps: CommandDeps = {
    config: async () => ({ ...server.container.config, ...config }),
    withContainer: (work) => work(server.container),
  };
  const program = new Command().exitOverride();
  registerCallsCommand(program, deps);
  registerNumbersConnectCommand(program.command('numbers'), deps);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  let code = 0;
  try {
    await program.parseAsync(['node', 'voice-agent', ...args]);
  } catch (error) {
    code = reportError(error);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join(''), code };
}

const noTwilio: Partial<Config> = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };

describe('voice-agent numbers connect', () => {
  it("sets the number's voice URL and status callback to PUBLIC_URL, and can assign an agent", async () => {
    const result = await run(['numbers', 'connect', OUR_NUMBER, '--agent', 'customer-support-001']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`voice:  POST ${PUBLIC_URL}/twilio/voice`);
    expect(twilio.phoneNumbers.find((n) => n.phoneNumber === OUR_NUMBER)).toMatchObject({
      voiceUrl: `${PUBLIC_URL}/twilio/voice`,
      voiceMethod: 'POST',
      statusCallback: `${PUBLIC_URL}/twilio/status`,
    });
    const lookup = await server.container.phoneNumbers.lookup(OUR_NUMBER);
    expect(lookup.assignment.assigned_agent_id).toBe('customer-support-001');
  });

  it('exits 1 for a number not on the account, 2 without credentials or PUBLIC_URL', async () => {
    const requests = twilio.requests.length;
    const unknown = await run(['numbers', 'connect', '+14155550999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not on this Twilio account/);

    const bare = await run(['numbers', 'connect', OTHER_NUMBER], { ...noTwilio, PUBLIC_URL: undefined });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, PUBLIC_URL');
    expect((await run(['numbers', 'connect', 'not-a-number'])).code).toBe(2);
    expect(twilio.requests.length).toBe(requests + 1); // only the lookup of the unknown number
    expect(twilio.phoneNumbers.find((n) => n.phoneNumber === OTHER_NUMBER)?.voiceUrl).toBeNull();
  });
});

describe('voice-agent calls', () => {
  it('places a call through Twilio, lists it, and shows a finished call with its transcript', async () => {
    const placed = await run(['calls', 'place', '--agent', 'customer-support-001', '--to', CALLEE, '--json']);
    expect(placed).toMatchObject({ code: 0, stderr: '' });
    const { call_sid: sid } = JSON.parse(placed.stdout) as { call_sid: string };
    expect(twilio.calls.find((c) => c.sid === sid)?.params).toMatchObject({
      To: CALLEE,
      From: OUR_NUMBER,
      Url: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
    });

    const finished = await server.simulator.startCall({ direction: 'inbound', from: CALLEE, to: OUR_NUMBER });
    await finished.say('Hi, my laptop will not start');
    await finished.say('thanks, bye');

    const list = await run(['calls', 'list', '--json']);
    const page = JSON.parse(list.stdout) as { items: { call_sid: string }[] };
    expect(page.items.map((c) => c.call_sid)).toEqual(expect.arrayContaining([sid, finished.callSid]));
    const table = await run(['calls', 'list', '--status', 'completed']);
    expect(table.stdout.split('\n')[0]).toMatch(/^CALL_SID\s+AGENT_ID\s+DIRECTION\s+STATUS/);
    expect(table.stdout).toContain(finished.callSid);
    expect(table.stdout).not.toContain(sid);
    // A day range: today's calls, none on a day long past (the range is applied in the store query).
    const today = new Date().toISOString().slice(0, 10);
    const todays = await run(['calls', 'list', '--from', today, '--to', today, '--json']);
    expect((JSON.parse(todays.stdout) as typeof page).items.map((c) => c.call_sid)).toEqual(
      expect.arrayContaining([sid, finished.callSid]),
    );
    const longAgo = await run(['calls', 'list', '--from', '2020-01-01', '--to', '2020-01-31', '--json']);
    expect((JSON.parse(longAgo.stdout) as typeof page).items).toEqual([]);

    const detail = await run(['calls', 'get', finished.callSid]);
    expect(detail.code).toBe(0);
    expect(detail.stdout).toContain('status: completed');
    expect(detail.stdout).toMatch(/ {2}1 {2}caller: Hi, my laptop will not start\n/);
    expect(detail.stdout).toMatch(/ {2}2 {2}caller: thanks, bye\n/);
    const asJson = JSON.parse((await run(['calls', 'get', finished.callSid, '--json'])).stdout) as {
      transcript: { seq: number }[];
    };
    expect(asJson.transcript.map((t) => t.seq)).toEqual([0, 1, 2]);
  });

  it('refuses bad input with 2 before reaching Twilio, and an unknown call with 1', async () => {
    const requests = twilio.requests.length;
    const premium = await run(['calls', 'place', '--agent', 'customer-support-001', '--to', '+19005550123']);
    expect(premium.code).toBe(2);
    expect(premium.stderr).toMatch(/premium-rate/);
    const personal = await run([
      'calls',
      'place',
      '--agent',
      'customer-support-001',
      '--to',
      '+447011234567',
    ]);
    expect(personal.code).toBe(2);
    expect(personal.stderr).toMatch(/to: personal/);
    const spoofed = await run([
      ...['calls', 'place', '--agent', 'customer-support-001', '--to', CALLEE],
      ...['--from', '+14155550199'],
    ]);
    expect(spoofed.code).toBe(2);
    expect(spoofed.stderr).toMatch(/from: not one of our numbers/);
    const bare = await run(['calls', 'place', '--agent', 'customer-support-001', '--to', CALLEE], {
      ...noTwilio,
      TWILIO_PHONE_NUMBER: undefined,
    });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER');
    expect((await run(['calls', 'list', '--limit', '500'])).code).toBe(2);
    const badDay = await run(['calls', 'list', '--from', 'yesterday']);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toMatch(/--from must be a date/);
    expect((await run(['calls', 'list', '--from', '2026-02-02', '--to', '2026-02-01'])).stderr).toMatch(
      /--to must not be before --from/,
    );
    expect(twilio.requests.length).toBe(requests);
    const missing = await run(['calls', 'get', 'CA00000000000000000000000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/);
  });
});

describe('the voice-agent binary', () => {
  const dir = tempDir('voice-agent-cli-calls-');
  afterAll(() => dir.remove());

  it(
    'connects a number end to end, and names the missing settings of `calls place`',
    { timeout: 60_000 },
    async () => {
      const env = (name: string, extra: Record<string, string> = {}) => cliEnv(join(dir.path, name), extra);
      const [connected, bare] = await Promise.all([
        runCli(
          ['numbers', 'connect', OTHER_NUMBER, '--json'],
          env('connect', {
            TWILIO_API_URL: twilio.url,
            TWILIO_ACCOUNT_SID: twilio.accountSid,
            TWILIO_AUTH_TOKEN: twilio.authToken,
            PUBLIC_URL: 'https://other.example.test/',
          }),
          dir.path,
        ),
        runCli(['calls', 'place', '--agent', 'customer-support-001', '--to', CALLEE], env('bare'), dir.path),
      ]);
      expect(connected.stderr).toBe('');
      expect(connected.code).toBe(0);
      expect(JSON.parse(connected.stdout)).toMatchObject({
        voice_url: 'https://other.example.test/twilio/voice',
      });
      expect(twilio.phoneNumbers.find((n) => n.phoneNumber === OTHER_NUMBER)?.statusCallback).toBe(
        'https://other.example.test/twilio/status',
      );
      expect(bare.code).toBe(2);
      expect(bare.stderr).toMatch(/TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, PUBLIC_URL, TWILIO_PHONE_NUMBER/);
      expect(bare.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
