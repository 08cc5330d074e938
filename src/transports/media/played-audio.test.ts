import { describe, expect, it } from 'vitest';
import { heardShare, MARK_EVERY_MS, PlayedAudio } from './played-audio.js';

function tracker() {
  const events: string[] = [];
  const played = new PlayedAudio({
    onPlaying: () => events.push('playing'),
    onDrained: () => events.push('drained'),
  });
  return { played, events };
}

describe('PlayedAudio', () => {
  it('marks 20 ms deltas once a tenth of a second has gone without a mark, and the rest on flush', () => {
    const { played, events } = tracker();
    const marks = Array.from({ length: 12 }, () => played.sent('item_a', 20));
    // Deltas 5 and 10 close 100 ms each; the last 40 ms wait for the flush.
    expect(marks.map((mark) => mark !== undefined)).toEqual([
      ...[false, false, false, false, true],
      ...[false, false, false, false, true],
      ...[false, false],
    ]);
    expect(MARK_EVERY_MS).toBe(100);
    const last = played.flush();
    expect(last).toBeDefined();
    expect(played.flush()).toBeUndefined();
    expect(events).toEqual(['playing']);

    played.echoed(marks[4]!);
    expect(played.playedMs).toBe(100);
    played.echoed(marks[9]!);
    expect(played.playedMs).toBe(200);
    expect(played.playing).toBe(true);
    played.echoed(last!);
    expect(played.playedMs).toBe(240);
    expect(played.sentMs).toBe(240);
    expect(played.playing).toBe(false);
    expect(events).toEqual(['playing', 'drained']);
  });

  it('gives a delta of 100 ms or more a mark of its own', () => {
    const { played } = tracker();
    expect(played.sent('item_a', 200)).toBeDefined();
    expect(played.sent('item_a', 100)).toBeDefined();
    expect(played.flush()).toBeUndefined();
  });

  it('is not drained while audio sent has no mark yet', () => {
    const { played, events } = tracker();
    const first = played.sent('item_a', 100)!;
    played.sent('item_a', 20);
    played.echoed(first);
    expect(played.playing).toBe(true);
    expect(events).toEqual(['playing']);
  });

  it("marks the end of an item's audio before the next item's goes out, and counts each item from 0", () => {
    const { played } = tracker();
    played.sent('item_a', 60);
    const owed = played.before('item_b');
    expect(owed).toBeDefined();
    expect(played.before('item_b')).toBeUndefined();
    played.sent('item_b', 40);
    expect(played.lastItem).toBe('item_b');
    expect(played.sentMs).toBe(40);
    // An echo for the earlier item says nothing about the last one.
    played.echoed(owed!);
    expect(played.playedMs).toBe(0);
  });

  it('drops the echoes of marks that `clear` cleared', () => {
    const { played, events } = tracker();
    const first = played.sent('item_a', 100)!;
    played.echoed(first);
    const second = played.sent('item_a', 100)!;
    played.sent('item_a', 20);
    played.cleared();
    expect(played.playing).toBe(false);
    played.echoed(second);
    expect(played.playedMs).toBe(100);
    expect(played.sentMs).toBe(220);
    // The first mark played everything sent by then; the cleared one is no play.
    expect(events).toEqual(['playing', 'drained', 'playing']);
    // The next audio plays again.
    played.sent('item_a', 20);
    expect(events).toEqual(['playing', 'drained', 'playing', 'playing']);
  });

  it('keeps the positions of more pending marks than its ring holds (a model far ahead of real time)', () => {
    const { played, events } = tracker();
    const marks = Array.from({ length: 200 }, () => played.sent('item_a', 100)!);
    played.echoed(marks[149]!);
    expect(played.playedMs).toBe(15_000);
    played.echoed(marks[199]!);
    expect(played.playedMs).toBe(20_000);
    expect(events).toEqual(['playing', 'drained']);
  });

  it('ignores echoes of names it never sent, and an echo says every earlier mark played too', () => {
    const { played } = tracker();
    const first = played.sent('item_a', 100)!;
    const second = played.sent('item_a', 100)!;
    for (const name of ['', 'x1', 'm', 'mzzzzzzzzzzzz', 'm99', 'M1', `${first} `]) played.echoed(name);
    expect(played.playedMs).toBe(0);
    played.echoed(second);
    expect(played.playedMs).toBe(200);
    // The earlier mark's echo, late, is not news.
    played.echoed(first);
    expect(played.playedMs).toBe(200);
    expect(played.playing).toBe(false);
  });
});

describe('heardShare', () => {
  it('keeps the share of words played', () => {
    expect(heardShare('one two three four', 500, 1_000)).toBe('one two');
    expect(heardShare('one two three four', 1_000, 1_000)).toBe('one two three four');
    expect(heardShare('one two', 0, 1_000)).toBe('');
  });
});
