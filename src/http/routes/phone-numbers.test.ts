import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.js';

describe('phone numbers API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const assign = (number: string, payload: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: `/phone-numbers/${number}`,
      headers: t.auth,
      payload: payload as object,
    });

  it('assigns a number (URL-encoded +), looks it up and lists it by agent', async () => {
    const put = await assign('%2B14155550100', { agent_id: 'sales-001', label: 'Sales line' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      phone_number: '+14155550100',
      assigned_agent_id: 'sales-001',
      label: 'Sales line',
    });

    const lookup = await t.app.inject({ method: 'GET', url: '/phone-numbers/+14155550100', headers: t.auth });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toMatchObject({ phone_number: '+14155550100', agent: { agent_id: 'sales-001' } });

    const byAgent = await t.app.inject({
      method: 'GET',
      url: '/phone-numbers?agent_id=sales-001',
      headers: t.auth,
    });
    expect(byAgent.json().items.map((n: { phone_number: string }) => n.phone_number)).toEqual([
      '+14155550100',
    ]);
    const other = await t.app.inject({
      method: 'GET',
      url: '/phone-numbers?agent_id=default',
      headers: t.auth,
    });
    expect(other.json().items).toEqual([]);
    const all = await t.app.inject({ method: 'GET', url: '/phone-numbers', headers: t.auth });
    expect(all.json().items).toHaveLength(1);
  });

  it('re-assigns a number to another agent', async () => {
    expect((await assign('%2B442071838750', { agent_id: 'sales-001' })).statusCode).toBe(200);
    expect((await assign('%2B442071838750', { agent_id: 'customer-support-001' })).statusCode).toBe(200);
    const lookup = await t.app.inject({
      method: 'GET',
      url: '/phone-numbers/%2B442071838750',
      headers: t.auth,
    });
    expect(lookup.json().assigned_agent_id).toBe('customer-support-001');
  });

  it('refuses an invalid phone number with 400 naming phone_number', async () => {
    for (const number of ['%2B9198765', '14155550100', 'hello', '%2B15555555555']) {
      const response = await assign(number, { agent_id: 'sales-001' });
      expect(response.statusCode, number).toBe(400);
      expect(response.json().issues[0].field).toBe('phone_number');
    }
  });

  it('refuses an unknown agent (404) and unknown fields (400)', async () => {
    const unknown = await assign('%2B14155550101', { agent_id: 'nobody' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('agent nobody not found');
    const extra = await assign('%2B14155550101', { agent_id: 'sales-001', owner: 'me' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().issues).toEqual([{ field: 'owner', message: 'unknown field' }]);
  });

  it('unassigns a number, then it is gone', async () => {
    expect((await assign('%2B14155550102', { agent_id: 'default' })).statusCode).toBe(200);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/phone-numbers/%2B14155550102',
      headers: t.auth,
    });
    expect(removed.statusCode).toBe(204);
    const again = await t.app.inject({
      method: 'DELETE',
      url: '/phone-numbers/%2B14155550102',
      headers: t.auth,
    });
    expect(again.statusCode).toBe(404);
    const lookup = await t.app.inject({
      method: 'GET',
      url: '/phone-numbers/%2B14155550102',
      headers: t.auth,
    });
    expect(lookup.statusCode).toBe(404);
  });

  it('needs the admin key', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/phone-numbers' });
    expect(response.statusCode).toBe(401);
  });
});
