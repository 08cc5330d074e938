// The open ConversationRelay sockets of one server instance: at most one session per call, and a
// graceful shutdown that hands every call back to Twilio. One object per app, never module state.

export interface RelaySessionHandle {
  /** A newer socket took over this session's call: stop and close. */
  replaced(): void;
  /** Finishes the running turn (bounded by graceMs), then ends the session with reason server-restart. */
  shutdown(graceMs: number): Promise<void>;
}

// F15 (reliability.md §5.3): in-flight turns get up to 20 s, inside the usual 30 s termination grace.
const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;

export class RelaySessions {
  private readonly open = new Set<RelaySessionHandle>();
  private readonly byCall = new Map<string, { session: RelaySessionHandle; reconnect: number }>();
  private isDraining = false;

  /** True once closeAll started: new sockets are refused (503) so Twilio reconnects elsewhere. */
  get draining(): boolean {
    return this.isDraining;
  }

  get size(): number {
    return this.open.size;
  }

  add(session: RelaySessionHandle): void {
    this.open.add(session);
  }

  /**
   * Makes `session` the one serving callSid. `reconnect` is the session number its socket URL was
   * signed for: a socket of a later session (Twilio reconnecting after the action URL) replaces the
   * open one; a second socket of the same or an earlier session (a replayed handshake) is refused.
   */
  claim(
    callSid: string,
    session: RelaySessionHandle,
    reconnect: number,
  ): 'claimed' | 'took-over' | 'refused' {
    const previous = this.byCall.get(callSid);
    if (previous?.session === session) return 'claimed';
    if (previous && previous.reconnect >= reconnect) return 'refused';
    this.byCall.set(callSid, { session, reconnect });
    if (!previous) return 'claimed';
    previous.session.replaced();
    return 'took-over';
  }

  /** Forgets a closed session (a newer session of the same call stays). */
  remove(session: RelaySessionHandle, callSid?: string): void {
    this.open.delete(session);
    if (callSid !== undefined && this.byCall.get(callSid)?.session === session) this.byCall.delete(callSid);
  }

  /**
   * Graceful shutdown: refuses new sockets, lets running turns finish, then sends every session
   * `end` with handoffData {"reason":"server-restart"} so Twilio moves the call, through the
   * <Connect action> URL, to another instance. Call it before app.close(): @fastify/websocket's own
   * preClose closes the sockets without a word.
   */
  async closeAll(options: { graceMs?: number } = {}): Promise<void> {
    this.isDraining = true;
    const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    await Promise.all([...this.open].map((session) => session.shutdown(graceMs)));
  }
}
