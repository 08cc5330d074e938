// The real CLI end to end, offline: `campaigns create … && campaigns start --wait --export` runs a
// campaign to its end through the built-in Twilio simulator and writes the results; bad input
// exits with code 2 and a message.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir } from '../cli/run-cli.js';

const STEP_MS = 90_000;
let dir: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, env, dir.path);

beforeAll(() => {
  dir = tempDir('voice-agent-campaigns-');
  env = cliEnv(join(dir.path, 'data'));
  writeFileSync(
    join(dir.path, 'contacts.csv'),
    [
      'number,name,timezone,appointment',
      '+14155550123,Asha Rao,America/Los_Angeles,Tuesday',
      '+12125550134,Ben Okafor,,Wednesday',
      '+442079460123,Cara Jones,,Friday',
      'not-a-number,Nobody,,',
    ].join('\n'),
  );
});
afterAll(() => dir?.remove());

describe('voice-agent campaigns', () => {
  let campaignId = '';

  it(
    'creates a campaign with its contacts, reporting the bad row',
    async () => {
      const created = await cli(
        'campaigns',
        'create',
        '--agent',
        'customer-support-001',
        '--name',
        'CLI demo',
        '--contacts',
        'contacts.csv',
        '--hours',
        '00:00-24:00',
        '--days',
        'all',
        '--pace',
        '120',
        '--max-attempts',
        '1',
        '--json',
      );
      expect(created.code, created.stderr).toBe(0);
      const result = JSON.parse(created.stdout);
      campaignId = result.campaign.campaign_id;
      expect(result.campaign).toMatchObject({ state: 'draft', contact_count: 3, calls_per_minute: 120 });
      expect(result.upload.issues).toEqual([
        { row: 5, field: 'number', message: 'an E.164 number such as +14155550100' },
      ]);
    },
    STEP_MS,
  );

  it(
    'starts it, waits for the end and exports the results',
    async () => {
      const started = await cli('campaigns', 'start', campaignId, '--wait', '--export', 'results.csv');
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain('running the campaign here');
      expect(started.stdout).toContain(`campaign ${campaignId} ended completed`);
      const rows = readFileSync(join(dir.path, 'results.csv'), 'utf8').trim().split('\r\n');
      expect(rows[0]).toMatch(/^row,number,name,state,attempts,last_outcome,result,time_zones,call_sid/);
      expect(rows.slice(1).map((row) => row.split(',')[3])).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(reached|exhausted)$/)]),
      );
      expect(rows).toHaveLength(4);

      const status = await cli('campaigns', 'status', campaignId, '--json');
      expect(JSON.parse(status.stdout)).toMatchObject({
        campaign: { state: 'completed' },
        contacts: 3,
        attempts: 3,
      });
    },
    STEP_MS,
  );

  it(
    'keeps a do-not-call list with who added each number',
    async () => {
      expect((await cli('dnc', 'add', '+14155550199', '--reason', 'asked by letter')).code).toBe(0);
      const listed = JSON.parse((await cli('dnc', 'list', '--json')).stdout);
      expect(listed.items).toEqual([
        expect.objectContaining({ phone_number: '+14155550199', added_by: 'cli', reason: 'asked by letter' }),
      ]);
    },
    STEP_MS,
  );

  it(
    'refuses bad input with exit code 2 and a message',
    async () => {
      const hours = await cli(
        'campaigns',
        'create',
        '--agent',
        'customer-support-001',
        '--name',
        'X',
        '--hours',
        '9-5',
      );
      expect(hours.code).toBe(2);
      expect(hours.stderr).toContain('--hours must look like 09:00-20:00');
      const body = await cli(
        'campaigns',
        'create',
        '--agent',
        'customer-support-001',
        '--name',
        'X',
        '--pace',
        '0',
      );
      expect(body.code).toBe(2);
      expect(body.stderr).toMatch(/calls_per_minute/);
      expect(body.stderr).not.toMatch(/\n\s+at /);
      const number = await cli('dnc', 'add', '12345');
      expect(number.code).toBe(2);
    },
    STEP_MS,
  );
});
