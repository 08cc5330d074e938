import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../domain/call.js';
import { modelFirstTokenMs, modelWaitMs, serverAddedMs, TimelineClock } from './turn-timeline.js';

describe('turn timeline figures', () => {
  // Relay: text streams out while the model is still writing.
  const relay: TurnTimeline = {
    received: 0,
    model_request: 3,
    first_token: 210,
    first_text_out: 214,
    model_done: 390,
    stored: 395,
  };
  // Gather: the TwiML goes out once the whole reply is known and stored.
  const gather: TurnTimeline = {
    received: 0,
    model_request: 5,
    first_token: 200,
    model_done: 600,
    stored: 606,
  };

  it("takes the model's wait to its first token when text went out before it finished", () => {
    expect(modelWaitMs(relay)).toBe(207);
    expect(serverAddedMs(relay)).toBe(7);
  });

  it("takes the model's whole reply when the reply went out after it (Gather)", () => {
    expect(modelWaitMs({ ...gather, first_text_out: 608 })).toBe(595);
    expect(serverAddedMs({ ...gather, first_text_out: 608 })).toBe(13);
    // Without a first_text_out mark, the stored moment stands for it.
    expect(serverAddedMs(gather)).toBe(11);
  });

  it('counts all the time as added when no model was asked, and none when nothing went out', () => {
    expect(serverAddedMs({ received: 0, stored: 9, first_text_out: 12 })).toBe(12);
    expect(serverAddedMs({ received: 0, model_request: 1 })).toBeUndefined();
  });

  it('reads the first-token time only when both moments were marked', () => {
    expect(modelFirstTokenMs(relay)).toBe(207);
    expect(modelFirstTokenMs({ received: 0, first_token: 20 })).toBeUndefined();
  });
});

describe('TimelineClock', () => {
  it('marks moments, tools and Twilio reports in whole ms after the input, keeping a first mark', () => {
    let now = 1_000.4;
    const clock = new TimelineClock(() => now);
    now += 3.2;
    clock.mark('model_request');
    now += 100;
    const done = clock.tool('lookup_order');
    now += 50.6;
    done(true);
    clock.mark('first_token');
    now += 10;
    clock.mark('first_token');
    clock.twilio('agentSpeaking');
    expect(clock.timeline).toEqual({
      received: 0,
      model_request: 3,
      first_token: 154,
      tools: [{ name: 'lookup_order', start: 103, end: 154, ok: true }],
      twilio: [{ name: 'agentSpeaking', at: 164 }],
    });
  });

  it('starts at the moment the input was received, when given', () => {
    let now = 500;
    const clock = new TimelineClock(() => now, 480);
    now = 530;
    clock.mark('stored');
    expect(clock.timeline.stored).toBe(50);
  });
});
