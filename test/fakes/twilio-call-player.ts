// Plays the calls the fake Twilio REST server accepts, on a fake clock, the way the called people
// answer them: answered (a short talk), answered and hung up at once, asked not to be called again,
// not answered, busy, failed, or taken by an answering machine (AnsweredBy machine_end_beep, when the
// call asked for machine detection). Status callbacks go to the server as Twilio sends them.
import type { TwilioSimulator } from '../../src/simulator/twilio-simulator.js';
import type { FakeClock } from './fake-clock.js';
import type { FakeCall } from './twilio-rest-server.js';

export type PlayedOutcome =
  'answered' | 'hang-up' | 'opt-out' | 'no-answer' | 'busy' | 'failed' | 'voicemail';

export interface PlayedCall {
  sid: string;
  to: string;
  /** The fake clock when Twilio accepted the call. */
  createdAt: number;
  endedAt?: number;
  outcome: PlayedOutcome;
  /** What the person (or machine) heard the agent say. */
  heard: string[];
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export class TwilioCallPlayer {
  readonly calls: PlayedCall[] = [];
  private simulator?: TwilioSimulator;
  private readonly placed = new Map<string, number>();

  constructor(
    private readonly clock: FakeClock,
    private readonly options: {
      /** The nth call (from 1) to a number: how it goes. */
      outcomeFor: (to: string, nth: number) => PlayedOutcome;
      ringMs: number;
      talkMs: (to: string) => number;
    },
  ) {}

  attach(simulator: TwilioSimulator): void {
    this.simulator = simulator;
  }

  /** For FakeTwilioRestOptions.onCallCreated. */
  onCallCreated = (created: FakeCall): void => {
    const to = first(created.params.To)!;
    const nth = (this.placed.get(to) ?? 0) + 1;
    this.placed.set(to, nth);
    const played: PlayedCall = {
      sid: created.sid,
      to,
      createdAt: this.clock.now(),
      outcome: this.options.outcomeFor(to, nth),
      heard: [],
    };
    this.calls.push(played);
    this.clock.setTimeout(() => this.ring(created, played), this.options.ringMs);
  };

  private async ring(created: FakeCall, played: PlayedCall): Promise<void> {
    const simulator = this.simulator!;
    const detects = created.params.MachineDetection !== undefined;
    const answered = !['no-answer', 'busy', 'failed'].includes(played.outcome);
    const machine = played.outcome === 'voicemail';
    const call = await simulator.startCall({
      direction: 'outbound',
      callSid: created.sid,
      from: first(created.params.From)!,
      to: played.to,
      voiceUrl: first(created.params.Url),
      statusCallbackUrl: first(created.params.StatusCallback),
      answer: answered ? 'answered' : (played.outcome as 'no-answer' | 'busy' | 'failed'),
      ...(answered && detects ? { answeredBy: machine ? 'machine_end_beep' : 'human' } : {}),
    });
    played.heard.push(...call.heard().map((entry) => entry.text));
    const end = () => {
      played.endedAt = this.clock.now();
      created.status = call.finalStatus ?? 'completed';
    };
    if (call.ended) return end();
    const talk = played.outcome === 'hang-up' ? 5_000 : this.options.talkMs(played.to);
    this.clock.setTimeout(async () => {
      const seen = call.heard().length;
      if (played.outcome === 'opt-out') await call.say('Please stop calling me.');
      else if (played.outcome === 'answered') {
        await call.say('Yes, I can make it.');
        if (!call.ended) await call.say('Thanks, bye.');
      }
      if (!call.ended) await call.hangUp();
      played.heard.push(
        ...call
          .heard()
          .slice(seen)
          .map((entry) => entry.text),
      );
      end();
    }, talk);
  }
}
