// Turn items as stored and turns as read. A turn item may carry, in LATE_MOMENTS, moments of its own
// or of earlier turns that came after those were stored (TurnTimeline): they were written with a
// later write of the call instead of one of their own, and go back on the turns they belong to here.
import type { Turn } from '../../domain/call.js';
import { withLateMoments, type LateMoments } from '../../domain/late-moments.js';

export const LATE_MOMENTS_ATTRIBUTE = 'late_moments';

type Item = Record<string, unknown>;

/** The item a turn is put as: the turn, and the late moments of earlier turns it carries. */
export function turnItem(turn: Turn, late: readonly LateMoments[] | undefined): Item {
  return late?.length ? { ...turn, [LATE_MOMENTS_ATTRIBUTE]: late } : (turn as unknown as Item);
}

/**
 * Turns from their items, in the items' order, each with the late moments the items carry for it on
 * its timeline. A carrier is never older than the turn it carries for, so the last N items hold all
 * of theirs.
 */
export function turnsFromItems(items: readonly Item[]): Turn[] {
  const turns: Turn[] = [];
  const late: LateMoments[] = [];
  for (const item of items) {
    if (item[LATE_MOMENTS_ATTRIBUTE] === undefined) {
      turns.push(item as unknown as Turn);
      continue;
    }
    const { [LATE_MOMENTS_ATTRIBUTE]: carried, ...turn } = item;
    turns.push(turn as unknown as Turn);
    if (Array.isArray(carried)) late.push(...(carried as LateMoments[]));
  }
  if (late.length === 0) return turns;
  const bySeq = new Map(turns.map((turn, index) => [turn.seq, index]));
  for (const { seq, ...moments } of late) {
    const index = bySeq.get(seq);
    const turn = index === undefined ? undefined : turns[index];
    if (!turn?.timeline) continue;
    turns[index!] = { ...turn, timeline: withLateMoments(turn.timeline, moments) };
  }
  return turns;
}
