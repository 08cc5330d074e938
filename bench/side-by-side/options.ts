// The side-by-side benchmark's settings: issue 13's (a 10-delta reply, 200 ms to the first, 5 turns
// a call, 200 ms between turns, a 20-call warm-up), shortened or narrowed by environment variables.
import type { FakeModelOptions } from '../fake-model.js';
import { BenchSettingError } from '../setting-error.js';
import type { ServerKey } from './targets.js';

export interface SideBySideOptions {
  /** Relay levels: concurrent calls started over one second. */
  levels: number[];
  /** Calls at conversation pace (8–12 s between turns); 0 skips the level. */
  paceCalls: number;
  paceThinkMs: [number, number];
  /**
   * Pace calls start spread over this long: about 33 a second for 1,000 calls, a burst still (a
   * thousand calls of three minutes start about 6 a second) but one that leaves the turns room.
   */
  paceRampMs: number;
  /** Enough turns that every call is still talking when the last one starts. */
  paceTurns: number;
  /** Calls for the Gather CPU figure (scripted policy); 0 skips it. */
  gatherCalls: number;
  servers: ServerKey[];
  turns: number;
  thinkMs: number;
  warmUpCalls: number;
  replyTimeoutMs: number;
  model: FakeModelOptions;
  /** auto: profile the server when a target is missed. */
  profile: 'auto' | 'always' | 'never';
  /** Writes the section under "Side by side: <label>". */
  label?: string;
  keepFiles: boolean;
}

export const TEN_DELTAS: readonly string[] = Array.from(
  { length: 10 },
  (_, i) => (i === 0 ? 'Sure' : ` word${i}`) + (i === 9 ? '.' : ''),
);

const ALL_SERVERS: ServerKey[] = ['dynamo', 'embedded', 'baseline'];

function counts(env: NodeJS.ProcessEnv, name: string): number[] | undefined {
  const value = env[name];
  if (!value?.trim()) return undefined;
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.some((v) => !Number.isInteger(v) || v < 0))
    throw new BenchSettingError(`${name}: not a list of call counts: ${value}`);
  return list.filter((v) => v > 0);
}

export function sideBySideOptions(env: NodeJS.ProcessEnv): SideBySideOptions {
  const quick = env.BENCH_QUICK === '1';
  const servers = env.BENCH_SERVERS?.split(',').map((s) => s.trim()) ?? ALL_SERVERS;
  const unknown = servers.filter((s) => !ALL_SERVERS.includes(s as ServerKey));
  if (unknown.length > 0)
    throw new BenchSettingError(
      `BENCH_SERVERS: unknown ${unknown.join(', ')}; have ${ALL_SERVERS.join(', ')}`,
    );
  const profile = env.BENCH_PROFILE ?? 'auto';
  if (!['auto', 'always', 'never'].includes(profile))
    throw new BenchSettingError('BENCH_PROFILE: auto, always or never');
  return {
    levels: counts(env, 'BENCH_LEVELS') ?? (quick ? [1, 50] : [1, 50, 200, 500]),
    paceCalls:
      counts(env, 'BENCH_PACE_CALLS')?.[0] ?? (env.BENCH_PACE_CALLS === '0' ? 0 : quick ? 100 : 1_000),
    paceThinkMs: [8_000, 12_000],
    paceRampMs: 30_000,
    paceTurns: 8,
    gatherCalls:
      counts(env, 'BENCH_GATHER_CALLS')?.[0] ?? (env.BENCH_GATHER_CALLS === '0' ? 0 : quick ? 20 : 50),
    servers: servers as ServerKey[],
    turns: 5,
    thinkMs: 200,
    warmUpCalls: 20,
    replyTimeoutMs: 20_000,
    model: { firstTokenDelayMs: 200, interTokenMs: 20, tokens: TEN_DELTAS },
    profile: profile as SideBySideOptions['profile'],
    ...(env.BENCH_LABEL ? { label: env.BENCH_LABEL } : {}),
    keepFiles: env.BENCH_KEEP === '1',
  };
}
