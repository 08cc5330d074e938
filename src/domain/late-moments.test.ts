import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from './call.js';
import { MAX_TWILIO_MOMENTS, withLateMoments, type LateMoments } from './late-moments.js';

describe('withLateMoments', () => {
  it('adds the late moments, keeping a moment already marked and Twilio reports in time order', () => {
    const timeline = {
      received: 0 as const,
      stored: 304,
      first_text_out: 12,
      twilio: [{ name: 'agentSpeaking on', at: 200 }],
    };
    expect(
      withLateMoments(timeline, { first_text_out: 309, twilio: [{ name: 'tokensPlayed', at: 100 }] }),
    ).toEqual({
      received: 0,
      stored: 304,
      first_text_out: 12,
      twilio: [
        { name: 'tokensPlayed', at: 100 },
        { name: 'agentSpeaking on', at: 200 },
      ],
    });
    const bare: TurnTimeline = { received: 0 };
    expect(withLateMoments(bare, { first_text_out: 309 })).toEqual({
      received: 0,
      first_text_out: 309,
    });
    // The original is left as it was.
    expect(timeline.twilio).toHaveLength(1);
  });

  it(`keeps at most ${MAX_TWILIO_MOMENTS} reports of Twilio's`, () => {
    const many = Array.from({ length: 30 }, (_, at) => ({ name: 'tokensPlayed', at }));
    const held: LateMoments = { seq: 1 };
    expect(withLateMoments(held, { twilio: many }).twilio).toHaveLength(MAX_TWILIO_MOMENTS);
  });
});
