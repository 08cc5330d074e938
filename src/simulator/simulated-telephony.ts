// Telephony without Twilio, for a local run: each call placed is played by the built-in Twilio
// simulator against this server, with an outcome a real list of numbers gives (answered, no answer,
// busy, failed, voicemail). Campaigns use it when no Twilio account is configured, so a whole
// campaign runs offline (`voice-agent campaigns start --wait`).
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { OutboundCallRequest, Telephony } from '../ports/telephony.js';
import { newSid } from './twilio-params.js';
import { TwilioSimulator, type AnswerOutcome } from './twilio-simulator.js';

export interface SimulatorTarget {
  serverUrl: string;
  publicUrl: string;
  accountSid: string;
  authToken: string;
}

export type SimulatedOutcome = Exclude<AnswerOutcome, 'canceled'> | 'voicemail';

// Out of 100 calls: roughly what an outbound list gets.
const SHARES: [SimulatedOutcome, number][] = [
  ['answered', 55],
  ['no-answer', 15],
  ['busy', 10],
  ['voicemail', 12],
  ['failed', 8],
];
const CALLEE_LINES = ['Hello?', 'Yes, this is a good time.', 'Okay, that works for me. Thanks, bye.'];
const RING_MS = 300;
/** The number simulated calls come from when TWILIO_PHONE_NUMBER is unset (as `voice-agent simulate`). */
export const SIMULATED_CALLER_NUMBER = '+14155550100';

/** The same number gets the same outcome on the same attempt, run after run. */
export function simulatedOutcome(to: string, attempt: number): SimulatedOutcome {
  const roll = createHash('sha256').update(`${to}#${attempt}`).digest().readUInt32BE(0) % 100;
  let sum = 0;
  for (const [outcome, share] of SHARES) {
    sum += share;
    if (roll < sum) return outcome;
  }
  return 'answered';
}

export class SimulatedTelephony implements Telephony {
  private simulator?: TwilioSimulator;
  private readonly attempts = new Map<string, number>();
  private readonly playing = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown, callSid: string) => void) {}

  /** Where the calls go: this server, once it listens. */
  attach(target: SimulatorTarget): void {
    this.simulator = new TwilioSimulator(target);
  }

  async createCall(request: OutboundCallRequest): Promise<{ callSid: string; status: string }> {
    const simulator = this.simulator;
    if (!simulator)
      throw new AppError(
        'unavailable',
        'the Twilio simulator is not running: start the server (voice-agent serve)',
      );
    const callSid = newSid('CA');
    const attempt = (this.attempts.get(request.to) ?? 0) + 1;
    this.attempts.set(request.to, attempt);
    const play = new Promise<void>((resolve) => setTimeout(resolve, RING_MS))
      .then(() => this.play(simulator, callSid, request, simulatedOutcome(request.to, attempt)))
      .catch((error: unknown) => this.onError(error, callSid))
      .finally(() => this.playing.delete(play));
    this.playing.add(play);
    return { callSid, status: 'queued' };
  }

  private async play(
    simulator: TwilioSimulator,
    callSid: string,
    request: OutboundCallRequest,
    outcome: SimulatedOutcome,
  ): Promise<void> {
    const machine = outcome === 'voicemail';
    const call = await simulator.startCall({
      direction: 'outbound',
      callSid,
      from: request.from,
      to: request.to,
      voiceUrl: request.answerUrl,
      statusCallbackUrl: request.statusCallbackUrl,
      // Without answering-machine detection a machine's call looks like one nobody answered.
      answer: machine ? (request.machineDetection ? 'answered' : 'no-answer') : outcome,
      ...(request.machineDetection ? { answeredBy: machine ? 'machine_end_beep' : 'human' } : {}),
    });
    for (const line of CALLEE_LINES) {
      if (call.ended || call.state !== 'awaiting-input') break;
      await call.say(line);
    }
    if (!call.ended) await call.hangUp();
  }

  async hangUp(): Promise<void> {}

  async connectNumber(): Promise<void> {
    throw new AppError(
      'unavailable',
      'no Twilio account is configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
    );
  }

  /** Waits for the calls being played (shutdown). */
  async drain(): Promise<void> {
    while (this.playing.size > 0) await Promise.allSettled([...this.playing]);
  }
}
