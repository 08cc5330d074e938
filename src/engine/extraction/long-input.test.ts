import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, type DataField } from '../../domain/agent.js';
import { base, LONG_INPUTS, longInput } from './extraction.rows.js';
import { normalizeValue } from './index.js';

const field = (type: DataField['type']): DataField => ({
  name: 'field',
  type,
  required: true,
  description: '',
  options: ['technical support', 'billing', 'sales'],
});

// The extractors run on the turn path, on whatever a recognizer or a caller sends. LONG_INPUTS are
// built to make a regular expression backtrack; a catastrophic pattern would not return and the test
// would time out. `npm run bench -- extraction` reports what they cost.
describe('2,000-character inputs', () => {
  it.each(FIELD_TYPES)('%s returns for every one', (type) => {
    for (const text of LONG_INPUTS) {
      const value = normalizeValue(field(type), text, base);
      expect(
        value === null || ['string', 'number', 'boolean'].includes(typeof value),
        text.slice(0, 20),
      ).toBe(true);
    }
  });

  it('find no value where none was said', () => {
    expect(normalizeValue(field('name'), longInput('a '), base)).toBeNull();
    expect(normalizeValue(field('name'), longInput('J O H N '), base)).toBeNull();
    expect(normalizeValue(field('phone'), longInput('four '), base)).toBeNull();
    expect(normalizeValue(field('email'), longInput('x '), base)).toBeNull();
    expect(normalizeValue(field('boolean'), longInput('yes no '), base)).toBeNull();
    expect(normalizeValue(field('enum'), longInput('a '), base)).toBeNull();
  });
});
