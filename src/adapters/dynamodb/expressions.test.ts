import { describe, expect, it } from 'vitest';
import { ExpressionBuilder, buildSetUpdate } from './expressions.js';

describe('buildSetUpdate', () => {
  it('aliases every attribute name, reserved words included, and skips undefined values', () => {
    const update = buildSetUpdate({
      status: 'active',
      name: 'Asha',
      data: { a: 1 },
      language: undefined,
      ttl: 0,
    });
    expect(update).toEqual({
      UpdateExpression: 'SET #n0 = :v0, #n1 = :v1, #n2 = :v2, #n3 = :v3',
      ExpressionAttributeNames: { '#n0': 'status', '#n1': 'name', '#n2': 'data', '#n3': 'ttl' },
      ExpressionAttributeValues: { ':v0': 'active', ':v1': 'Asha', ':v2': { a: 1 }, ':v3': 0 },
    });
    // No raw attribute name ever appears in the expression.
    for (const name of ['status', 'name', 'data', 'ttl']) expect(update.UpdateExpression).not.toContain(name);
  });

  it('keeps null, false and empty strings (only undefined is skipped)', () => {
    const update = buildSetUpdate({ a: null, b: false, c: '' });
    expect(Object.values(update.ExpressionAttributeValues)).toEqual([null, false, '']);
  });

  it('refuses an update with nothing to set', () => {
    expect(() => buildSetUpdate({ a: undefined })).toThrow(/no attribute/);
  });

  it('shares aliases with a condition built on the same builder', () => {
    const builder = new ExpressionBuilder();
    const condition = `${builder.name('version')} = ${builder.value(3)}`;
    const update = buildSetUpdate({ version: 4, status: 'x' }, builder);
    expect(condition).toBe('#n0 = :v0');
    expect(update.UpdateExpression).toBe('SET #n0 = :v1, #n1 = :v2');
    expect(update.ExpressionAttributeNames).toEqual({ '#n0': 'version', '#n1': 'status' });
  });
});

describe('ExpressionBuilder.attributes', () => {
  it('omits empty maps, which DynamoDB rejects', () => {
    const builder = new ExpressionBuilder();
    expect(builder.attributes()).toEqual({});
    builder.name('call_sid');
    expect(builder.attributes()).toEqual({ ExpressionAttributeNames: { '#n0': 'call_sid' } });
  });
});
