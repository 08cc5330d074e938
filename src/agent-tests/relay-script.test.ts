import { describe, expect, it } from 'vitest';
import { relayScript } from './relay-script.js';

describe('relayScript', () => {
  it('keeps prompts in order and attaches keys to the prompt they come before', () => {
    expect(
      relayScript([
        'hello',
        { press: '1' },
        { press: '2#' },
        { say: 'my name is Jo' },
        { silence: true },
        { press: '9' },
      ]),
    ).toEqual({ prompts: ['hello', 'my name is Jo', null], dtmf: { 1: '12#', 3: '9' } });
    expect(relayScript([])).toEqual({ prompts: [], dtmf: {} });
  });
});
