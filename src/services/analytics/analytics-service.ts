// GET /analytics: reads the calls of a date range page by page (the store's started_at-sorted
// indexes, so only calls inside the range are read), up to a bound, and aggregates them here.
// Reports are cached briefly: the page's filters and a reload ask for the same one.
import type { Call } from '../../domain/call.js';
import type { CallStore } from '../../ports/call-store.js';
import { TtlCache } from '../ttl-cache.js';
import { aggregateCalls, type AnalyticsFigures } from './aggregate.js';
import { dayIn } from './days.js';

export interface AnalyticsQuery {
  /** ISO bounds of started_at, both included. */
  from: string;
  to: string;
  agent_id?: string;
  /** IANA zone the days are counted in. */
  time_zone: string;
}

export interface AnalyticsReport extends AnalyticsFigures {
  from: string;
  to: string;
  agent_id?: string;
  time_zone: string;
  /** More calls matched than one report reads (maxCalls): the figures cover the newest ones. */
  truncated: boolean;
}

export interface AnalyticsServiceOptions {
  calls: Pick<CallStore, 'list'>;
  /** The names of the fields an agent collects; undefined for an agent that no longer exists. */
  fieldsOf: (agentId: string) => Promise<readonly string[] | undefined>;
  maxCalls?: number;
  cacheMs?: number;
}

const PAGE = 100;
const DEFAULT_MAX_CALLS = 5_000;

export class AnalyticsService {
  readonly #cache: TtlCache<Promise<AnalyticsReport>>;
  readonly #maxCalls: number;

  constructor(private readonly options: AnalyticsServiceOptions) {
    this.#cache = new TtlCache(options.cacheMs ?? 30_000, 100);
    this.#maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
  }

  report(query: AnalyticsQuery): Promise<AnalyticsReport> {
    const key = JSON.stringify([query.from, query.to, query.agent_id ?? null, query.time_zone]);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const report = this.#build(query);
    this.#cache.set(key, report);
    report.catch(() => this.#cache.delete(key));
    return report;
  }

  async #build(query: AnalyticsQuery): Promise<AnalyticsReport> {
    const { calls, truncated } = await this.#read(query);
    const agentIds = [...new Set(calls.map((call) => call.agent_id))];
    const fields = await Promise.all(
      agentIds.map(async (id) => [id, await this.options.fieldsOf(id)] as const),
    );
    const dayOf = dayIn(query.time_zone);
    const figures = aggregateCalls(calls, {
      firstDay: dayOf(query.from),
      lastDay: dayOf(query.to),
      dayOf,
      fieldsByAgent: new Map(
        fields.filter((entry): entry is [string, readonly string[]] => entry[1] !== undefined),
      ),
    });
    return {
      from: query.from,
      to: query.to,
      ...(query.agent_id ? { agent_id: query.agent_id } : {}),
      time_zone: query.time_zone,
      truncated,
      ...figures,
    };
  }

  async #read(query: AnalyticsQuery): Promise<{ calls: Call[]; truncated: boolean }> {
    const calls: Call[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.calls.list({
        ...(query.agent_id ? { agent_id: query.agent_id } : {}),
        started_from: query.from,
        started_to: query.to,
        limit: Math.min(PAGE, this.#maxCalls - calls.length),
        ...(cursor ? { cursor } : {}),
      });
      calls.push(...page.items);
      cursor = page.cursor;
    } while (cursor && calls.length < this.#maxCalls);
    return { calls, truncated: cursor !== undefined };
  }
}
