// Runs every server at every level with the same harness, a fresh server (and store) per level, then
// judges the targets and, when one is missed, profiles the server to show where the time goes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readProfile, summariseProfiles } from '../cpu-profile-summary.js';
import { startFakeModel, type FakeModel } from '../fake-model.js';
import { runDate } from '../relay-entry.js';
import { loadAverage } from '../stats.js';
import { runGatherCalls } from './gather-calls.js';
import type { SideBySideReport } from './markdown.js';
import { measureLevel, type LevelResult, type Subject } from './measure.js';
import { startNaiveRelay } from './naive-relay.js';
import type { SideBySideOptions } from './options.js';
import { startOurServer, type StoreShape } from './our-server.js';
import { atExit, pinSelf } from './processes.js';
import type { CallPlan } from './call-plan.js';
import { runRelayCalls } from './relay-calls.js';
import { paceKey, verdicts, type Results, type ServerKey } from './targets.js';

const ROOT = resolve(import.meta.dirname, '../..');

function commitOf(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const server = git('log', '-1', '--format=%h', '--', 'src', 'bin');
    const dirty = git('status', '--porcelain', '--', 'src', 'bin').length > 0;
    return (
      `${head}` +
      (server && server !== head ? ` (the server's code, src/ and bin/, as of ${server})` : '') +
      (dirty ? ', with uncommitted changes to src/ or bin/' : '')
    );
  } catch {
    return 'unknown';
  }
}

interface Started {
  subject: Subject;
  stop(): Promise<void>;
}

class SideBySide {
  private nextIndex = 0;

  constructor(
    private readonly options: SideBySideOptions,
    private readonly model: FakeModel,
    private readonly workDir: string,
    private readonly log: (line: string) => void,
  ) {}

  plan(calls: number, pace = false): CallPlan {
    const { options } = this;
    const plan: CallPlan = {
      calls,
      turns: pace ? options.paceTurns : options.turns,
      thinkMs: pace ? options.paceThinkMs : [options.thinkMs, options.thinkMs],
      rampMs: pace ? options.paceRampMs : 1_000,
      replyTimeoutMs: options.replyTimeoutMs,
      firstIndex: this.nextIndex,
    };
    this.nextIndex += calls;
    return plan;
  }

  private folder(name: string): string {
    const dir = join(this.workDir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  async startRelay(server: ServerKey, name: string, cpuProfile = false): Promise<Started> {
    const dir = this.folder(name);
    const modelBaseUrl = `${this.model.url}/v1`;
    if (server === 'baseline') {
      const naive = await startNaiveRelay(modelBaseUrl, dir);
      return {
        subject: { pid: naive.pid, run: (plan) => runRelayCalls({ socketUrl: naive.socketUrl }, plan) },
        stop: () => naive.stop(),
      };
    }
    const ours = await startOurServer({
      store: server as StoreShape,
      transport: 'relay',
      modelBaseUrl,
      dir,
      cpuProfile,
    });
    const voice = { serverUrl: ours.url, account: ours.account, agentNumber: ours.agentNumber };
    return {
      subject: {
        pid: ours.pid,
        ...(ours.storePid ? { storePid: ours.storePid } : {}),
        run: (plan) => runRelayCalls({ voice }, plan),
        storedTags: (sid) => ours.storedTags(sid),
      },
      stop: () => ours.stop(),
    };
  }

  /** `scripted`: the server asks no model (Gather with the scripted policy). */
  async measure(
    name: string,
    start: () => Promise<Started>,
    calls: number,
    { pace = false, scripted = false } = {},
  ): Promise<LevelResult> {
    this.log(`side-by-side: ${name}…`);
    const started = await start();
    try {
      const warmUp = this.plan(this.options.warmUpCalls);
      const model = scripted ? undefined : this.model;
      const result = await measureLevel(started.subject, model, this.plan(calls, pace), warmUp);
      this.log(`  ${JSON.stringify(result)}`);
      return result;
    } finally {
      await started.stop();
    }
  }

  async startGather(): Promise<Started> {
    const ours = await startOurServer({ store: 'dynamo', transport: 'gather', dir: this.folder('gather') });
    const target = { serverUrl: ours.url, account: ours.account, agentNumber: ours.agentNumber };
    return {
      subject: {
        pid: ours.pid,
        ...(ours.storePid ? { storePid: ours.storePid } : {}),
        run: (plan) => runGatherCalls(target, plan),
        storedTags: (sid) => ours.storedTags(sid),
      },
      stop: () => ours.stop(),
    };
  }

  /** A profiled run of voice-agent (DynamoDB in its own process) at `calls` calls. */
  async profile(calls: number) {
    const name = `profile-${calls}`;
    const run = await this.measure(
      `profiling voice-agent at ${calls} calls`,
      () => this.startRelay('dynamo', name, true),
      calls,
    );
    const dir = join(this.workDir, name);
    const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}`);
    // The measured calls only: not the server's start-up, the warm-up, or the store read after.
    return summariseProfiles(
      files.map((file) => readProfile(join(dir, file))),
      { windowUs: run.windowUs },
    );
  }
}

export async function runSideBySide(
  options: SideBySideOptions,
  log: (line: string) => void,
): Promise<SideBySideReport> {
  const date = runDate();
  const loadStart = loadAverage();
  // The load (callers, fake model, dynalite) on core 1; each server pins itself to core 0.
  const pinned = pinSelf('1');
  const model = await startFakeModel(options.model);
  const workDir = mkdtempSync(join(tmpdir(), 'voice-agent-side-by-side-'));
  const removeWork = () => {
    if (!options.keepFiles) rmSync(workDir, { recursive: true, force: true });
  };
  atExit(removeWork);
  const bench = new SideBySide(options, model, workDir, log);
  const results: Results = { relay: { dynamo: new Map(), embedded: new Map(), baseline: new Map() } };
  const failures: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      failures.push(`${what}: not run (${message})`);
      log(`side-by-side: ${what} failed: ${(error as Error).message}`);
      return undefined;
    }
  };
  let profile: SideBySideReport['profile'];
  try {
    for (const server of options.servers) {
      const levels: [string, number, boolean][] = options.levels.map((calls) => [
        String(calls),
        calls,
        false,
      ]);
      if (options.paceCalls > 0) levels.push([paceKey(options.paceCalls), options.paceCalls, true]);
      for (const [key, calls, pace] of levels) {
        const name = `${server}-${key.replace(' ', '-')}`;
        const result = await attempt(`${server}, ${key} calls`, () =>
          bench.measure(`${server}, ${key} calls`, () => bench.startRelay(server, name), calls, { pace }),
        );
        if (result) results.relay[server].set(key, result);
      }
    }
    if (options.gatherCalls > 0) {
      const calls = options.gatherCalls;
      const gather = await attempt('Gather', () =>
        bench.measure(`Gather, ${calls} calls, scripted policy`, () => bench.startGather(), calls, {
          scripted: true,
        }),
      );
      if (gather) results.gather = gather;
    }
    const judged = verdicts(results, options.paceCalls);
    const missed = judged.some((v) => v.met === false);
    if (options.profile === 'always' || (options.profile === 'auto' && missed)) {
      const calls = 50;
      const summary = await attempt('the CPU profile', () => bench.profile(calls));
      if (summary) profile = { summary, calls };
    }
    return {
      options,
      results,
      verdicts: judged,
      failures,
      ...(profile ? { profile } : {}),
      commit: commitOf(),
      date,
      pinned,
      loadStart,
      loadEnd: loadAverage(),
    };
  } finally {
    await model.close();
    if (options.keepFiles) log(`side-by-side: logs and profiles kept in ${workDir}`);
    removeWork();
    if (pinned) pinSelf(`0-${cpus().length - 1}`);
  }
}
