// The campaign scheduler at 10,000 contacts on a fake clock that moves in real time while the
// scheduler works and jumps over the waits between calls: what one attempt costs the scheduler in
// CPU and DynamoDB operations, and how far behind the pace's schedule calls start. Calls are ended
// by the benchmark (answered, no answer, busy, voicemail, failed) after a simulated duration, the
// way a status callback ends them; placing them is a stub, so the figures are the scheduler's own
// (a call's own writes, which any outbound call makes, are not counted). DynamoDB is dynalite in a
// child process.
import { createHash } from 'node:crypto';
import type { Call } from '../src/domain/call.js';
import { createDynamoClients } from '../src/adapters/dynamodb/client.js';
import { DynamoCampaignStore } from '../src/adapters/dynamodb/campaign-store.js';
import { DynamoDoNotCallStore } from '../src/adapters/dynamodb/do-not-call-store.js';
import { DynamoPacerStore } from '../src/adapters/dynamodb/pacer-store.js';
import { createTables } from '../src/adapters/dynamodb/tables.js';
import { tableNames } from '../src/adapters/dynamodb/test-support.js';
import { numberTimeZones } from '../src/adapters/phone/number-time-zones.js';
import type { Agent } from '../src/domain/agent.js';
import { CampaignScheduler } from '../src/services/campaigns/campaign-scheduler.js';
import { CampaignService } from '../src/services/campaigns/campaign-service.js';
import type { Clock } from '../src/services/campaigns/clock.js';
import type { AgentService } from '../src/services/agent-service.js';
import type { CallStore } from '../src/ports/call-store.js';
import { pino } from 'pino';
import { startBenchChild } from './child.js';
import { machineInfo, percentile, round, sortedCopy } from './stats.js';

export interface CampaignBenchOptions {
  contacts: number;
  callsPerMinute: number;
  maxConcurrent: number;
  /** Simulated length of an answered call. */
  callMs: number;
  log: (line: string) => void;
}

export interface CampaignBenchResult {
  options: Omit<CampaignBenchOptions, 'log'>;
  attempts: number;
  contacts: number;
  cpuMsPerAttempt: number;
  operationsPerAttempt: number;
  operations: Record<string, number>;
  lateMs: { p50: number; p99: number; max: number };
  within1s: number;
  simulatedMinutes: number;
  realSeconds: number;
  uploadSeconds: number;
}

/** Fake time that runs in real time while work happens and jumps to the next timer when idle. */
class RunningClock implements Clock {
  private base: number;
  private realBase = performance.now();
  private timers: { id: number; at: number; run: () => void }[] = [];
  private nextId = 1;
  constructor(start: number) {
    this.base = start;
  }
  now(): number {
    return this.base + (performance.now() - this.realBase);
  }
  setTimeout(run: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.now() + Math.max(0, ms), run };
    this.timers.push(timer);
    return timer.id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  nextAt(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((t) => t.at));
  }
  fireDue(): boolean {
    const now = this.now();
    const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > now);
    for (const timer of due) timer.run();
    return due.length > 0;
  }
  jumpTo(at: number): void {
    if (at <= this.now()) return;
    this.base = at;
    this.realBase = performance.now();
  }
}

const OUTCOMES: [Call['status'], string | undefined, number][] = [
  ['completed', 'human', 50],
  ['no-answer', undefined, 20],
  ['busy', undefined, 10],
  ['completed', 'machine_end_beep', 10],
  ['failed', undefined, 10],
];

function outcome(number: string): [Call['status'], string | undefined] {
  const roll = createHash('sha256').update(number).digest().readUInt16BE(0) % 100;
  let sum = 0;
  for (const [status, answeredBy, share] of OUTCOMES) {
    sum += share;
    if (roll < sum) return [status, answeredBy];
  }
  return ['completed', 'human'];
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function runCampaignBench(options: CampaignBenchOptions): Promise<CampaignBenchResult> {
  const { log } = options;
  const dynalite = await startBenchChild('dynalite-child.ts', []);
  const { client, doc } = createDynamoClients({ endpoint: dynalite.url });
  try {
    const tables = tableNames('Bench_');
    await createTables(client, tables);
    const operations: Record<string, number> = {};
    let counting = false;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (counting)
          operations[context.commandName ?? '?'] = (operations[context.commandName ?? '?'] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'countOperations' },
    );
    const cursorSecret = 'bench';
    const store = new DynamoCampaignStore({
      doc,
      cursorSecret,
      campaignsTable: tables.campaigns,
      contactsTable: tables.campaignContacts,
      attemptsTable: tables.campaignAttempts,
    });
    const pacer = new DynamoPacerStore({ doc, table: tables.campaigns });
    const doNotCall = new DynamoDoNotCallStore({ doc, table: tables.doNotCall, cursorSecret });
    // Monday 09:00 in New York: the whole run falls inside the calling hours.
    const clock = new RunningClock(Date.parse('2026-03-02T14:00:00Z'));
    const agent = { agent_id: 'bench', status: 'active', max_call_seconds: 600 } as Agent;
    const agents = { get: async () => agent, getActive: async () => agent } as unknown as AgentService;
    const service = new CampaignService({
      store,
      pacer,
      agents,
      clock,
      checkDestination: (number) => number,
      zonesOfNumber: numberTimeZones,
    });
    const calls = new Map<string, Call>();
    const callStore = { get: async (sid: string) => calls.get(sid) } as unknown as CallStore;
    // Each attempt: when it was due (the start, or its previous call's end plus the retry delay)
    // and when it started.
    const starts: { due: number; at: number }[] = [];
    const retryAt = new Map<string, number>();
    const delayMinutes: Record<string, number> = { 'no-answer': 30, busy: 10, failed: 10, completed: 60 };
    let campaignStartedAt = 0;
    let attempts = 0;
    const placeCall: ConstructorParameters<typeof CampaignScheduler>[0]['placeCall'] = async (
      request,
      campaign,
    ) => {
      const at = clock.now();
      starts.push({ due: retryAt.get(request.to) ?? campaignStartedAt, at });
      attempts += 1;
      const sid = `CA${createHash('md5').update(`${request.to}#${campaign.link.attempt}`).digest('hex')}`;
      const [status, answeredBy] = outcome(`${request.to}#${campaign.link.attempt}`);
      const answered = status === 'completed';
      clock.setTimeout(
        () => {
          calls.set(sid, {
            call_sid: sid,
            status,
            campaign: campaign.link,
            turn_count: answered && answeredBy === 'human' ? 4 : 0,
            ended_by: 'user',
            ...(answeredBy ? { answered_by: answeredBy } : {}),
          } as Call);
          scheduler.onCallEnded(sid);
          retryAt.set(request.to, clock.now() + delayMinutes[status]! * 60_000);
        },
        answered ? options.callMs : 25_000,
      );
      return { call_sid: sid, status: 'queued', agent_id: agent.agent_id };
    };
    const scheduler = new CampaignScheduler({
      store,
      pacer,
      doNotCall,
      calls: callStore,
      placeCall,
      clock,
      logger: pino({ level: 'silent' }),
    });
    const campaign = await service.create({
      name: 'bench',
      agent_id: 'bench',
      calling_hours: {
        start: '00:00',
        end: '24:00',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      },
      calls_per_minute: options.callsPerMinute,
      max_concurrent: options.maxConcurrent,
      max_attempts: 2,
      retry_minutes: { no_answer: 30, busy: 10, failed: 10, voicemail: 60, hung_up_early: 60 },
    });
    const uploadStarted = performance.now();
    const csv = [
      'number',
      ...Array.from({ length: options.contacts }, (_, i) => `+1212${String(5_550_000 + i).padStart(7, '0')}`),
    ].join('\n');
    const uploaded = await service.upload(campaign.campaign_id, { csv });
    const uploadSeconds = (performance.now() - uploadStarted) / 1_000;
    log(`campaign: ${uploaded.added} contacts uploaded in ${round(uploadSeconds)} s`);
    await service.start(campaign.campaign_id);

    const startedAt = clock.now();
    campaignStartedAt = startedAt;
    const realStart = performance.now();
    const cpuStart = process.cpuUsage();
    counting = true;
    scheduler.start();
    let lastCheck = clock.now();
    let lastLog = performance.now();
    for (;;) {
      if (clock.fireDue()) {
        await tick();
        continue;
      }
      let next = clock.nextAt();
      if (next === undefined) {
        await scheduler.settled();
        next = clock.nextAt();
        if (next === undefined) break;
      }
      // Work in flight runs in real time until the next timer is due; with none, the wait is skipped.
      const idle = await Promise.race([
        scheduler.settled().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, next - clock.now()))),
      ]);
      if (!idle) continue;
      if (clock.now() - lastCheck > 60_000) {
        lastCheck = clock.now();
        counting = false;
        const state = (await store.getCampaign(campaign.campaign_id))?.state;
        counting = true;
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(
            `campaign: ${attempts} attempts, ${round((clock.now() - startedAt) / 60_000)} simulated minutes`,
          );
        }
        if (state === 'completed') break;
        if (process.env.BENCH_DEBUG && clock.now() - startedAt > Number(process.env.BENCH_DEBUG) * 60_000) {
          const stuck: unknown[] = [];
          await service.eachContact(campaign.campaign_id, (c) => {
            if (['pending', 'dialing', 'in_call'].includes(c.state) || !c.status.endsWith(c.state))
              stuck.push(c);
          });
          log(JSON.stringify(stuck.slice(0, 5), null, 1));
          break;
        }
      }
      // The work that just settled may have set an earlier timer.
      clock.jumpTo(clock.nextAt() ?? next);
    }
    counting = false;
    const cpu = process.cpuUsage(cpuStart);
    await scheduler.stop();
    const realSeconds = (performance.now() - realStart) / 1_000;
    // The pace's schedule: attempts in the order they fell due, each at its due time or one
    // interval after the one before, whichever is later.
    const interval = 60_000 / options.callsPerMinute;
    const byDue = [...starts].sort((a, b) => a.due - b.due || a.at - b.at);
    let ideal = -Infinity;
    const late = byDue.map((start) => {
      ideal = Math.max(start.due, ideal + interval);
      return Math.max(0, start.at - ideal);
    });
    const sortedLate = sortedCopy(late);
    const total = Object.values(operations).reduce((a, b) => a + b, 0);
    return {
      options: {
        contacts: options.contacts,
        callsPerMinute: options.callsPerMinute,
        maxConcurrent: options.maxConcurrent,
        callMs: options.callMs,
      },
      attempts,
      contacts: uploaded.added,
      cpuMsPerAttempt: round((cpu.user + cpu.system) / 1_000 / attempts, 2),
      operationsPerAttempt: round(total / attempts, 2),
      operations,
      lateMs: {
        p50: round(percentile(sortedLate, 50)),
        p99: round(percentile(sortedLate, 99)),
        max: round(sortedLate[sortedLate.length - 1] ?? 0),
      },
      within1s: round((late.filter((ms) => ms <= 1_000).length / late.length) * 100, 2),
      simulatedMinutes: round((clock.now() - startedAt) / 60_000),
      realSeconds: round(realSeconds),
      uploadSeconds: round(uploadSeconds),
    };
  } finally {
    client.destroy();
    await dynalite.stop();
  }
}

export function campaignMarkdown(
  result: CampaignBenchResult,
  meta: { date: string; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const ops = Object.entries(result.operations)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name.replace(/Command$/, '')} ${round(count / result.attempts, 2)}`)
    .join(', ');
  return [
    '## Campaign scheduler',
    '',
    `${meta.date} · ${machine.cpuModel} (${machine.cores} cores) · Node ${machine.node} · load ${meta.loadStart.join(' ')} → ${meta.loadEnd.join(' ')}`,
    '',
    `${result.contacts.toLocaleString('en-US')} contacts at ${result.options.callsPerMinute} calls a minute, at most ${result.options.maxConcurrent} at once, two attempts each,`,
    `answered calls lasting ${result.options.callMs / 1_000} s (bench/campaign-bench.ts): the scheduler (claims, pacer, do-not-call check, outcome`,
    'and retry) against dynalite in another process, on a fake clock that runs in real time while the scheduler works and',
    "jumps over the waits. Placing a call is a stub: a call's own writes, the same for any outbound call, are not counted.",
    '',
    '| Measure | Value |',
    '| --- | --- |',
    `| Attempts | ${result.attempts.toLocaleString('en-US')} over ${result.simulatedMinutes} simulated minutes (${result.realSeconds} s real) |`,
    `| Scheduler CPU per attempt | ${result.cpuMsPerAttempt} ms (this process: scheduler and DynamoDB client) |`,
    `| DynamoDB operations per attempt | ${result.operationsPerAttempt} (${ops}) |`,
    `| Start behind the pace's schedule | p50 ${result.lateMs.p50} ms, p99 ${result.lateMs.p99} ms, max ${result.lateMs.max} ms |`,
    `| Starts within 1 s of schedule | ${result.within1s} % (target: all, at 100 calls a minute) |`,
    `| Upload of the contacts | ${result.uploadSeconds} s |`,
    '',
  ].join('\n');
}
