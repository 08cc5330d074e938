// The clocks of one relay session. Twilio sends nothing while the caller is silent (the Gather path
// gets a timeout from Twilio instead), so the session itself notices a silent caller and the end of
// the call's allowed time, and hands both to the engine like any other input.

export interface RelayTiming {
  /** How long a new socket may stay open without sending `setup` before it is closed. */
  setupMs: number;
  /** Caller silence, after the agent has finished speaking, that counts as a silent turn. */
  idleMs: number;
  /** How long a reply may take to start before a short filler line covers the wait. */
  fillerMs: number;
  /**
   * Estimated speaking time per character of agent text. Twilio reports no end of playback (without
   * the `events` attribute), so the idle clock starts once the text sent has probably been spoken.
   */
  speechMsPerChar: number;
}

// Twilio sends `setup` the moment the socket opens; a socket still silent after this is not Twilio.
export const RELAY_SETUP_TIMEOUT_MS = 5_000;

// About 150 spoken words a minute, at about 6 characters a word with its space: ~70 ms a character.
export const DEFAULT_RELAY_TIMING: RelayTiming = {
  setupMs: RELAY_SETUP_TIMEOUT_MS,
  idleMs: 8_000,
  fillerMs: 1_500,
  speechMsPerChar: 70,
};

export class RelayTimers {
  private idle: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private setup: NodeJS.Timeout | undefined;

  constructor(
    private readonly timing: RelayTiming,
    private readonly handlers: { onIdle: () => void; onDeadline: () => void; onNoSetup: () => void },
  ) {}

  /** The socket just opened: `setup` must arrive within setupMs. */
  startSetup(): void {
    clearTimeout(this.setup);
    this.setup = setTimeout(() => {
      this.setup = undefined;
      this.handlers.onNoSetup();
    }, this.timing.setupMs);
    this.setup.unref();
  }

  stopSetup(): void {
    clearTimeout(this.setup);
    this.setup = undefined;
  }

  /** The agent just finished sending `spokenChars` characters; silence counts once they are spoken. */
  startIdle(spokenChars: number): void {
    this.stopIdle();
    const delay = this.timing.idleMs + Math.max(0, spokenChars) * this.timing.speechMsPerChar;
    this.idle = setTimeout(() => {
      this.idle = undefined;
      this.handlers.onIdle();
    }, delay);
    this.idle.unref();
  }

  /** The caller spoke or pressed a key, the agent is answering, or the session is over. */
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
    this.stopSetup();
    this.stopIdle();
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }
}
