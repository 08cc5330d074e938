// The clocks a turn runner keeps for a transport that needs them (turn-runner.ts). Twilio's Gather
// counts the caller's silence itself and posts an empty result, and ends the call at its time limit; a
// socket hears nothing while the caller is silent, so there the runner notices a silent caller and the
// end of the call's allowed time, and hands both to the engine like any other input.

export interface IdleClock {
  /** Caller silence, after the agent has finished speaking, that counts as a silent turn. */
  idleMs: number;
  /**
   * Estimated speaking time per character of agent text: without playback events the idle clock
   * starts once the text sent has probably been spoken.
   */
  speechMsPerChar: number;
}

export class TurnClocks {
  private idle: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    /** Absent: the transport counts silence itself, and startIdle does nothing. */
    private readonly idleClock: IdleClock | undefined,
    private readonly handlers: { onIdle: () => void; onDeadline: () => void },
  ) {}

  /** The agent just finished sending `spokenChars` characters; silence counts once they are spoken. */
  startIdle(spokenChars: number): void {
    this.stopIdle();
    if (!this.idleClock) return;
    const delay = this.idleClock.idleMs + Math.max(0, spokenChars) * this.idleClock.speechMsPerChar;
    this.idle = setTimeout(() => {
      this.idle = undefined;
      this.handlers.onIdle();
    }, delay);
    this.idle.unref();
  }

  /** The caller spoke or pressed a key, the agent is answering, or the call is over. */
  stopIdle(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
  }

  get idleRunning(): boolean {
    return this.idle !== undefined;
  }

  /** Fires once at `atMs` (epoch ms), or at once when that moment has passed. */
  startDeadline(atMs: number): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(
      () => {
        this.deadline = undefined;
        this.handlers.onDeadline();
      },
      Math.max(0, atMs - Date.now()),
    );
    this.deadline.unref();
  }

  stopAll(): void {
    this.stopIdle();
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }
}
