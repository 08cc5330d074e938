// `voice-agent campaigns create|upload|start|pause|resume|cancel|status|export|list`: the same
// service as the REST API. `start --wait` follows the campaign to its end; with no server running on
// DATA_DIR it runs one in this process, whose scheduler places the calls (through the built-in
// Twilio simulator when no Twilio account is configured).
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../../config.js';
import type { Container } from '../../container.js';
import { CAMPAIGN_STATES, WEEKDAYS, type Campaign, type CampaignState } from '../../domain/campaign.js';
import { exportCampaignCsv } from '../../services/campaigns/campaign-export.js';
import type { CampaignProgress, UploadResult } from '../../services/campaigns/campaign-service.js';
import { withContainer } from '../context.js';
import { badInput, printJson, printLine, printRecord, printTable, type Column } from '../output.js';

const columns: Column<Campaign>[] = [
  { header: 'CAMPAIGN_ID', value: (c) => c.campaign_id },
  { header: 'NAME', value: (c) => c.name },
  { header: 'AGENT_ID', value: (c) => c.agent_id },
  { header: 'STATE', value: (c) => c.state },
  { header: 'CONTACTS', value: (c) => c.contact_count },
  { header: 'CREATED', value: (c) => c.created_at },
];

const WAIT_POLL_MS = 1_000;

interface CreateOptions {
  agent?: string;
  name?: string;
  file?: string;
  contacts?: string;
  hours?: string;
  days?: string;
  timezone?: string;
  start?: string;
  end?: string;
  pace?: string;
  concurrent?: string;
  maxAttempts?: string;
  retryMinutes?: string;
  from?: string;
  json?: boolean;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw badInput(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

function whole(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) throw badInput(`${flag} must be a whole number`);
  return number;
}

/** The create body: a campaign file (JSON/YAML), then the flags on top. */
async function createBody(options: CreateOptions): Promise<Record<string, unknown>> {
  const base = options.file ? (parseYaml(await readText(options.file)) as unknown) : {};
  if (typeof base !== 'object' || base === null || Array.isArray(base))
    throw badInput(`${options.file} must hold one campaign object`);
  const body: Record<string, unknown> = { ...base };
  if (options.agent) body.agent_id = options.agent;
  if (options.name) body.name = options.name;
  if (options.hours || options.days) {
    const hours = { ...((body.calling_hours as object | undefined) ?? {}) } as Record<string, unknown>;
    if (options.hours) {
      const match = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(options.hours);
      if (!match) throw badInput('--hours must look like 09:00-20:00');
      [hours.start, hours.end] = [match[1], match[2]];
    }
    if (options.days) hours.days = daysOf(options.days);
    body.calling_hours = hours;
  }
  if (options.timezone) body.default_timezone = options.timezone;
  if (options.start) body.start_at = options.start;
  if (options.end) body.end_at = options.end;
  if (options.from) body.from = options.from;
  const numbers: [string, string, string | undefined][] = [
    ['calls_per_minute', '--pace', options.pace],
    ['max_concurrent', '--concurrent', options.concurrent],
    ['max_attempts', '--max-attempts', options.maxAttempts],
  ];
  for (const [field, flag, value] of numbers) if (value !== undefined) body[field] = whole(flag, value);
  const retry = whole('--retry-minutes', options.retryMinutes);
  if (retry !== undefined) {
    body.retry_minutes = {
      no_answer: retry,
      busy: retry,
      failed: retry,
      voicemail: retry,
      hung_up_early: retry,
    };
  }
  return body;
}

/** "mon-fri", "mon,wed,fri" or "all". */
function daysOf(text: string): string[] {
  if (text === 'all') return [...WEEKDAYS];
  const range = /^([a-z]{3})-([a-z]{3})$/.exec(text);
  const index = (day: string) => WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]);
  if (range && index(range[1]!) >= 0 && index(range[2]!) >= index(range[1]!))
    return WEEKDAYS.slice(index(range[1]!), index(range[2]!) + 1);
  const days = text.split(',').map((d) => d.trim());
  if (days.some((d) => index(d) < 0))
    throw badInput(`--days: days are ${WEEKDAYS.join(', ')} (or mon-fri, all)`);
  return days;
}

async function uploadFile(container: Container, campaignId: string, path: string): Promise<UploadResult> {
  const text = await readText(path);
  if (/\.json$/i.test(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw badInput(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    const contacts = Array.isArray(parsed) ? parsed : (parsed as { contacts?: unknown }).contacts;
    if (!Array.isArray(contacts)) throw badInput(`${path} must hold a list of contacts`);
    return container.campaigns.upload(campaignId, { contacts });
  }
  return container.campaigns.upload(campaignId, { csv: text });
}

function printUpload(result: UploadResult): void {
  printLine(`added ${result.added} contacts; skipped ${result.skipped}`);
  for (const issue of result.issues) printLine(`  row ${issue.row}, ${issue.field}: ${issue.message}`);
}

function printProgress(progress: CampaignProgress): void {
  const { campaign } = progress;
  printRecord({
    campaign_id: campaign.campaign_id,
    name: campaign.name,
    state: campaign.state,
    ...(campaign.state_reason ? { reason: campaign.state_reason } : {}),
    contacts: progress.contacts,
    attempts: progress.attempts,
    by_state: progress.by_state,
    by_outcome: progress.by_outcome,
  });
  if (progress.next_attempts.length > 0) {
    printLine('next attempts:');
    for (const next of progress.next_attempts)
      printLine(`  ${next.at}  ${next.number}${next.name ? ` (${next.name})` : ''}  attempt ${next.attempt}`);
  }
}

/** Whether a server is running on DATA_DIR (it then runs the campaign). */
async function runningServer(config: Config): Promise<boolean> {
  if (!config.embeddedDynamo || config.DATA_DIR === ':memory:') return false;
  const { readDiscovery } = await import('../../adapters/embedded/discovery.js');
  const record = await readDiscovery(config.DATA_DIR);
  if (!record?.server_url) return false;
  try {
    return (await fetch(`${record.server_url}/health`, { signal: AbortSignal.timeout(1_500) })).ok;
  } catch {
    return false;
  }
}

/** Runs `work` on a container whose scheduler runs: the running server's store, or a server here. */
async function withScheduler<T>(work: (container: Container, local: boolean) => Promise<T>): Promise<T> {
  const { loadConfigOrExit } = await import('../../config.js');
  const config = loadConfigOrExit();
  if (await runningServer(config)) return withContainer((container) => work(container, false));
  const { startCommandServer } = await import('../command-server.js');
  const server = await startCommandServer(config);
  try {
    return await work(server.container, true);
  } finally {
    await server.stop();
  }
}

async function waitForEnd(container: Container, campaignId: string, quiet: boolean): Promise<Campaign> {
  let last = '';
  for (;;) {
    const progress = await container.campaigns.progress(campaignId);
    const line = `${progress.campaign.state}: ${Object.entries(progress.by_state)
      .map(([state, count]) => `${count} ${state}`)
      .join(', ')}; ${progress.attempts} calls`;
    if (!quiet && line !== last) printLine(line);
    last = line;
    if (['completed', 'canceled', 'paused'].includes(progress.campaign.state)) return progress.campaign;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

export function registerCampaignsCommand(program: Command): Command {
  const campaigns = program
    .command('campaigns')
    .description('call a list of people: calling hours in their own time, retries, pace, do-not-call');

  campaigns
    .command('list')
    .description('list campaigns, newest first')
    .option('--state <state>', `one of ${CAMPAIGN_STATES.join(', ')}`)
    .option('--json', 'print JSON (for scripts)')
    .action(async (options: { state?: string; json?: boolean }) => {
      if (options.state && !CAMPAIGN_STATES.includes(options.state as CampaignState))
        throw badInput(`--state must be one of ${CAMPAIGN_STATES.join(', ')}`);
      const items = await withContainer(({ campaigns: service }) =>
        service.list(options.state as CampaignState | undefined),
      );
      if (options.json) return printJson({ items });
      printTable(items, columns, 'no campaigns');
    });

  campaigns
    .command('create')
    .description(
      'create a draft campaign (from flags and/or a JSON or YAML file), optionally with its contacts',
    )
    .option('--agent <agent_id>', 'the agent that calls')
    .option('--name <name>', 'a name people recognise')
    .option('--file <campaign.json|yaml>', 'the campaign as in POST /campaigns; flags override it')
    .option('--contacts <file>', 'contacts to upload: CSV (number,name,timezone,…) or JSON')
    .option('--hours <HH:MM-HH:MM>', "calling hours in each contact's local time (default 09:00-20:00)")
    .option('--days <days>', 'calling days: mon-fri (default), all, or e.g. mon,wed,fri')
    .option('--timezone <zone>', 'for contacts whose time zone is unknown, e.g. America/Chicago')
    .option('--start <date-time>', 'no call before this time (ISO 8601)')
    .option('--end <date-time>', 'no call after this time (ISO 8601)')
    .option('--pace <n>', 'calls started per minute (default 10)')
    .option('--concurrent <n>', 'calls in progress at once at most (default 5)')
    .option('--max-attempts <n>', 'attempts per contact (default 3)')
    .option('--retry-minutes <n>', 'delay before any retry (the file can set one per outcome)')
    .option('--from <e164>', 'our number the calls come from (default TWILIO_PHONE_NUMBER)')
    .option('--json', 'print JSON (for scripts)')
    .action(async (options: CreateOptions) => {
      const body = await createBody(options);
      const result = await withContainer(async (container) => {
        const campaign = await container.campaigns.create(body);
        const upload = options.contacts
          ? await uploadFile(container, campaign.campaign_id, options.contacts)
          : undefined;
        return { campaign: upload ? await container.campaigns.get(campaign.campaign_id) : campaign, upload };
      });
      if (options.json) return printJson(result);
      printLine(`created campaign ${result.campaign.campaign_id} (${result.campaign.state})`);
      if (result.upload) printUpload(result.upload);
      printLine(`start it with: voice-agent campaigns start ${result.campaign.campaign_id} --wait`);
    });

  campaigns
    .command('upload')
    .description('add contacts from a CSV (number,name,timezone, any variables) or JSON file')
    .argument('<campaign_id>')
    .argument('<file>')
    .option('--json', 'print JSON (for scripts)')
    .action(async (campaignId: string, file: string, options: { json?: boolean }) => {
      const result = await withContainer((container) => uploadFile(container, campaignId, file));
      if (options.json) return printJson(result);
      printUpload(result);
    });

  campaigns
    .command('start')
    .description('start a draft campaign; --wait follows it to its end')
    .argument('<campaign_id>')
    .option('--wait', 'wait until it completes (runs a server here when none runs on DATA_DIR)')
    .option('--export <file.csv>', 'with --wait: write the results there at the end')
    .option('--json', 'print JSON (for scripts)')
    .action(async (campaignId: string, options: { wait?: boolean; export?: string; json?: boolean }) => {
      if (options.export && !options.wait) throw badInput('--export needs --wait');
      const run = async (container: Container, local: boolean) => {
        const started = await container.campaigns.start(campaignId);
        if (!options.wait) return started;
        if (local && !options.json) printLine('no server runs on DATA_DIR: running the campaign here');
        const ended = await waitForEnd(container, campaignId, options.json === true);
        if (options.export) {
          await writeFile(
            options.export,
            await exportCampaignCsv(container.campaigns, container.callStore, campaignId),
          );
          if (!options.json) printLine(`results written to ${options.export}`);
        }
        return ended;
      };
      const campaign = options.wait ? await withScheduler(run) : await withContainer((c) => run(c, false));
      if (options.json) return printJson(campaign);
      if (!options.wait) printLine(`campaign ${campaign.campaign_id} is ${campaign.state}`);
      else
        printLine(
          `campaign ${campaign.campaign_id} ended ${campaign.state}${campaign.state_reason ? `: ${campaign.state_reason}` : ''}`,
        );
    });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    campaigns
      .command(action)
      .description(
        action === 'cancel' ? 'stop all further calls (calls in progress finish)' : `${action} a campaign`,
      )
      .argument('<campaign_id>')
      .option('--json', 'print JSON (for scripts)')
      .action(async (campaignId: string, options: { json?: boolean }) => {
        const campaign = await withContainer((container) => container.campaigns[action](campaignId));
        if (options.json) return printJson(campaign);
        printLine(`campaign ${campaign.campaign_id} is ${campaign.state}`);
      });
  }

  campaigns
    .command('status')
    .description('progress: contacts by state and outcome, and the next attempts')
    .argument('<campaign_id>')
    .option('--json', 'print JSON (for scripts)')
    .action(async (campaignId: string, options: { json?: boolean }) => {
      const progress = await withContainer((container) => container.campaigns.progress(campaignId));
      if (options.json) return printJson(progress);
      printProgress(progress);
    });

  campaigns
    .command('export')
    .description('per-contact results with collected data, as CSV')
    .argument('<campaign_id>')
    .option('--out <file.csv>', 'write to a file instead of the standard output')
    .action(async (campaignId: string, options: { out?: string }) => {
      const csv = await withContainer((container) =>
        exportCampaignCsv(container.campaigns, container.callStore, campaignId),
      );
      if (options.out) {
        await writeFile(options.out, csv);
        printLine(`results written to ${options.out}`);
      } else process.stdout.write(csv);
    });

  return campaigns;
}
