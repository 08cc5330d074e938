// The next call start a campaign's pacer allows: a free slot (the cap) and the pace step.
import type { Pacer } from '../../ports/campaign-store.js';

/** A slot and the pace step after it, or when to look again (`busy`: every slot is taken). */
export type SlotPlan = { slot: number; nextSlotMs: number } | { waitUntilMs: number; busy?: true };

/**
 * Where the next call may start now: its slot and the pace step after it, or when to look again.
 * Starts keep the pace's cadence when the scheduler wakes a little late, and never burst after a
 * pause: a step further back than one interval restarts the cadence from now.
 */
export function planSlot(
  pacer: Pacer,
  campaign: { calls_per_minute: number; max_concurrent: number },
  nowMs: number,
  /** When to look again with every slot busy (an ended call frees one; other instances poll). */
  busyRetryMs: number,
): SlotPlan {
  if (pacer.next_slot_ms > nowMs) return { waitUntilMs: pacer.next_slot_ms };
  const interval = 60_000 / campaign.calls_per_minute;
  for (let slot = 0; slot < campaign.max_concurrent; slot += 1) {
    const holder = pacer.slots[String(slot)];
    if (holder && holder.until_ms >= nowMs) continue;
    const late = nowMs - pacer.next_slot_ms;
    return { slot, nextSlotMs: (late < interval ? pacer.next_slot_ms : nowMs) + interval };
  }
  return { waitUntilMs: nowMs + busyRetryMs, busy: true };
}
