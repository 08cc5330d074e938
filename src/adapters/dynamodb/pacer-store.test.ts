import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPacerStore } from './pacer-store.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
let pacer: DynamoPacerStore;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  const tables = await dynamo.freshTables();
  pacer = new DynamoPacerStore({ doc: dynamo.doc, table: tables.campaigns });
});
afterAll(() => dynamo.close());

describe('DynamoPacerStore', () => {
  it('lets one of two instances take a pace step, and a slot only while it is free', async () => {
    await pacer.ensurePacer('cmp_a');
    await pacer.ensurePacer('cmp_a');
    const seen = await pacer.getPacer('cmp_a');
    expect(seen).toEqual({ next_slot_ms: 0, slots: {} });
    const one = { contact_key: 'cmp_a#+14155550123', attempt: 1, until_ms: 50_000 };
    const two = { contact_key: 'cmp_a#+14155550124', attempt: 1, until_ms: 50_000 };
    // Both instances saw the same pacer: only the first move of the pace step wins.
    const [first, second] = await Promise.all([
      pacer.takeSlot('cmp_a', seen, 0, one, 1_000, 100),
      pacer.takeSlot('cmp_a', seen, 1, two, 1_000, 100),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const now = await pacer.getPacer('cmp_a');
    expect(now.next_slot_ms).toBe(1_000);
    // A held slot is refused until its holder's time runs out.
    const holder = first ? 0 : 1;
    expect(await pacer.takeSlot('cmp_a', now, holder, two, 2_000, 1_000)).toBeUndefined();
    const reused = await pacer.takeSlot('cmp_a', now, holder, { ...two, attempt: 2 }, 2_000, 60_000);
    expect(reused?.slots[String(holder)]).toMatchObject({ attempt: 2 });
  });

  it('frees a slot only for the attempt that holds it', async () => {
    await pacer.ensurePacer('cmp_b');
    const holder = { contact_key: 'cmp_b#+14155550123', attempt: 2, until_ms: 50_000 };
    await pacer.takeSlot('cmp_b', await pacer.getPacer('cmp_b'), 3, holder, 1_000, 0);
    expect(await pacer.releaseSlot('cmp_b', 3, { contact_key: holder.contact_key, attempt: 1 })).toBe(false);
    expect(await pacer.releaseSlot('cmp_b', 3, holder)).toBe(true);
    expect(await pacer.releaseSlot('cmp_b', 3, holder)).toBe(false);
    expect((await pacer.getPacer('cmp_b')).slots).toEqual({});
  });
});
