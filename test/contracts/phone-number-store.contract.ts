// Shared behaviour of every PhoneNumberStore.
import { describe, expect, it } from 'vitest';
import type { PhoneNumberAssignment } from '../../src/domain/phone-number.js';
import type { PhoneNumberStore } from '../../src/ports/phone-number-store.js';

const assignment = (phone: string, agentId: string, label?: string): PhoneNumberAssignment => ({
  phone_number: phone,
  assigned_agent_id: agentId,
  assigned_at: '2025-01-01T00:00:00.000Z',
  ...(label ? { label } : {}),
});

/** `makeStore` returns an empty store for each test. */
export function describePhoneNumberStoreContract(
  name: string,
  makeStore: () => Promise<PhoneNumberStore>,
): void {
  describe(`PhoneNumberStore contract: ${name}`, () => {
    it('puts, reads, reassigns and removes a number', async () => {
      const store = await makeStore();
      const first = assignment('+14155550100', 'agent-a', 'front desk');
      await store.put(first);
      expect(await store.get('+14155550100')).toEqual(first);
      expect(await store.get('+14155550101')).toBeUndefined();

      const moved = assignment('+14155550100', 'agent-b');
      await store.put(moved);
      expect(await store.get('+14155550100')).toEqual(moved);

      expect(await store.remove('+14155550100')).toBe(true);
      expect(await store.remove('+14155550100')).toBe(false);
      expect(await store.get('+14155550100')).toBeUndefined();
    });

    it('lists the numbers of one agent, and all numbers', async () => {
      const store = await makeStore();
      await store.put(assignment('+14155550102', 'agent-a'));
      await store.put(assignment('+14155550101', 'agent-a'));
      await store.put(assignment('+14155550103', 'agent-b'));
      const phones = (list: PhoneNumberAssignment[]) => list.map((a) => a.phone_number).sort();
      expect(phones(await store.listByAgent('agent-a'))).toEqual(['+14155550101', '+14155550102']);
      expect(phones(await store.listByAgent('agent-b'))).toEqual(['+14155550103']);
      expect(await store.listByAgent('agent-c')).toEqual([]);
      expect(phones(await store.listAll())).toEqual(['+14155550101', '+14155550102', '+14155550103']);
    });
  });
}
