// The calls this instance serves, kept where the call is so a turn needs no store reads: a relay socket
// holds its call's session for its life, and Gather turns, which may land on any instance, find theirs
// in a bounded cache checked against the call's version (one GetItem). Whatever is missing or stale is
// rebuilt from the store, so any instance can still take any turn. docs/decisions/0025-turn-runner-and-call-sessions.md
import type { Agent } from '../domain/agent.js';
import type { Call } from '../domain/call.js';
import { notFound } from '../domain/errors.js';
import type { CallStore } from '../ports/call-store.js';
import { CallSession, HISTORY_TURNS } from './call-session.js';
import { personalize } from './contact-variables.js';
import { updateCallWithRetry } from './update-call.js';

export interface CallSessionsOptions {
  /** Sessions kept at most; the least recently used go first. */
  maxSessions?: number;
  /** A session unused this long is dropped (ms). */
  idleMs?: number;
  now?: () => number;
}

// A Gather call takes a turn every few seconds; a few thousand calls of about 10 KB each stay small,
// and a call whose session went is rebuilt with two reads.
const DEFAULT_MAX_SESSIONS = 2_000;
const DEFAULT_IDLE_MS = 5 * 60_000;

export interface CallSessionsDeps {
  calls: Pick<CallStore, 'get' | 'update' | 'listTurns'>;
  getAgent: (agentId: string) => Promise<Agent>;
}

export class CallSessions {
  readonly #cache = new Map<string, { session: CallSession; usedAt: number }>();
  readonly #maxSessions: number;
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(
    private readonly deps: CallSessionsDeps,
    options: CallSessionsOptions = {},
  ) {
    this.#maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#cache.size;
  }

  /**
   * The session of a call, checked against the store with one read of the call item: the kept one
   * when no other writer changed the call since (same version), else rebuilt. The item read is kept
   * either way (a status callback changes it without a new version).
   */
  async open(callSid: string): Promise<CallSession> {
    const call = await this.deps.calls.get(callSid);
    if (!call) throw notFound('call');
    return this.adopt(call);
  }

  /**
   * The session for a call item just read or created. `created`: the item is new, so there are no
   * turns to read.
   */
  async adopt(call: Call, options: { agent?: Agent; created?: boolean } = {}): Promise<CallSession> {
    const kept = this.#use(call.call_sid);
    if (kept && kept.call.version === call.version && kept.call.agent_id === call.agent_id) {
      kept.call = call;
      return kept;
    }
    const [agent, turns] = await Promise.all([
      options.agent?.agent_id === call.agent_id ? options.agent : this.deps.getAgent(call.agent_id),
      options.created ? [] : this.deps.calls.listTurns(call.call_sid, { last: HISTORY_TURNS }),
    ]);
    // The agent as this call's contact hears it ({{first_name}} filled), once per session.
    const session = new CallSession(call, personalize(agent, call), turns);
    this.#keep(session);
    return session;
  }

  /**
   * The call item as stored now and its agent, without its turns (for a request that takes no turn);
   * a session kept here for the call takes the fresh item. Undefined for an unknown call.
   */
  async read(callSid: string): Promise<{ call: Call; agent: Agent } | undefined> {
    const call = await this.deps.calls.get(callSid);
    if (!call) return undefined;
    const kept = this.#peek(callSid);
    if (kept && kept.call.version === call.version) kept.call = call;
    return {
      call,
      agent:
        kept?.agent.agent_id === call.agent_id
          ? kept.agent
          : personalize(await this.deps.getAgent(call.agent_id), call),
    };
  }

  /** Rebuilds a session from the store: another writer changed the call or stored a turn. */
  async reload(session: CallSession): Promise<void> {
    const [call, turns] = await Promise.all([
      this.deps.calls.get(session.callSid),
      this.deps.calls.listTurns(session.callSid, { last: HISTORY_TURNS }),
    ]);
    if (!call) throw notFound('call');
    session.replace(call, turns);
  }

  /**
   * Read-modify-write of the call item under its version, starting from the copy this instance
   * keeps (no read when it has one). When another writer got there first, a session is reloaded
   * from the store (the call and its turns, which `change` may count) and the change retried; the
   * kept copy follows the write's result. `change` returns undefined to leave the call as it is.
   * Resolves undefined when the call does not exist or the change was skipped.
   */
  async update(
    /** The call's session, the call as just read, or its sid. */
    target: CallSession | Call | string,
    change: (call: Call) => Partial<Call> | undefined,
  ): Promise<Call | undefined> {
    const callSid =
      typeof target === 'string' ? target : target instanceof CallSession ? target.callSid : target.call_sid;
    const session = target instanceof CallSession ? target : this.#peek(callSid);
    const known = typeof target === 'object' && !(target instanceof CallSession) ? target : undefined;
    const updated = await updateCallWithRetry(
      this.deps.calls,
      callSid,
      change,
      session?.call ?? known,
      // Another writer got there first: a session reloads its turns too, which `change` may count.
      session
        ? async () => {
            await this.reload(session);
            return session.call;
          }
        : undefined,
    );
    if (updated && session) session.call = updated;
    return updated;
  }

  /** The kept session, without touching its place in the cache. */
  #peek(callSid: string): CallSession | undefined {
    const entry = this.#cache.get(callSid);
    if (!entry) return undefined;
    if (this.#now() - entry.usedAt > this.#idleMs) {
      this.#cache.delete(callSid);
      return undefined;
    }
    return entry.session;
  }

  /** The kept session, now the most recently used. */
  #use(callSid: string): CallSession | undefined {
    const session = this.#peek(callSid);
    if (session) {
      this.#cache.delete(callSid);
      this.#cache.set(callSid, { session, usedAt: this.#now() });
    }
    return session;
  }

  #keep(session: CallSession): void {
    const now = this.#now();
    this.#cache.delete(session.callSid);
    this.#cache.set(session.callSid, { session, usedAt: now });
    // A Map iterates in insertion order, and every use re-inserts: the first entries are the least
    // recently used, so the idle and the surplus are dropped from the front.
    for (const [callSid, entry] of this.#cache) {
      if (this.#cache.size <= this.#maxSessions && now - entry.usedAt <= this.#idleMs) break;
      this.#cache.delete(callSid);
    }
  }
}
