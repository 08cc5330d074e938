// Bounds what one ConversationRelay socket may send: frame size, message rate and junk. Twilio sends a
// handful of small JSON frames per turn, so these limits only ever stop a broken or hostile sender.

export interface RelayLimits {
  /** Text frames above this are ignored with a warning (the socket's maxPayload is the hard cap). */
  maxFrameBytes: number;
  /** More messages than this within one second closes the socket (1008). */
  maxMessagesPerSecond: number;
  /** More undecodable or oversized messages than this over the socket's life closes it (1008). */
  maxInvalidMessages: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 16 * 1_024,
  maxMessagesPerSecond: 50,
  maxInvalidMessages: 20,
};

export type GuardVerdict =
  { action: 'accept' } | { action: 'ignore'; reason: string } | { action: 'close'; reason: string };

export class InboundGuard {
  private windowStartedAt = 0;
  private inWindow = 0;
  private invalid = 0;

  constructor(
    private readonly limits: RelayLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Judges a frame before it is decoded. */
  admit(sizeBytes: number, isBinary: boolean): GuardVerdict {
    const at = this.now();
    if (at - this.windowStartedAt >= 1_000) {
      this.windowStartedAt = at;
      this.inWindow = 0;
    }
    this.inWindow += 1;
    if (this.inWindow > this.limits.maxMessagesPerSecond) {
      return { action: 'close', reason: `more than ${this.limits.maxMessagesPerSecond} messages per second` };
    }
    if (isBinary) return this.reject('binary frame');
    if (sizeBytes > this.limits.maxFrameBytes)
      return this.reject(`frame of ${sizeBytes} bytes over the limit`);
    return { action: 'accept' };
  }

  /** Counts a frame that was admitted but could not be decoded. */
  reject(reason: string): GuardVerdict {
    this.invalid += 1;
    if (this.invalid > this.limits.maxInvalidMessages) {
      return { action: 'close', reason: `more than ${this.limits.maxInvalidMessages} invalid messages` };
    }
    return { action: 'ignore', reason };
  }
}
