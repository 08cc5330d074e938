import { describe, expect, it } from 'vitest';
import { agentSchema, type Agent } from '../domain/agent.js';
import { checkExpectations, foldText } from './expectations.js';
import type { ObservedCall } from './observed-call.js';
import { expectationsSchema } from './schema.js';

const agent: Agent = agentSchema.parse({
  agent_id: 'support',
  name: 'Support',
  prompt: 'Help.',
  language: 'en-US',
  voice: 'Polly.Joanna-Neural',
  greeting: 'Hi, what is the problem?',
  data_to_fill: [
    { name: 'name', type: 'name', required: true },
    { name: 'email', type: 'email', required: true },
    { name: 'phone', type: 'phone', required: false },
  ],
  transfer_targets: [
    { id: 'billing', target: '+14155550111', description: 'Billing' },
    { id: 'sales', target: '+14155550122', description: 'Sales' },
  ],
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  version: 1,
});

const call = (overrides: Partial<ObservedCall> = {}): ObservedCall => ({
  callSid: 'CA1',
  transport: 'gather',
  endedByAgent: false,
  linesSaid: 3,
  linesTotal: 3,
  transcript: [
    { seq: 0, kind: 'greeting', agent: 'Hi, what is the problem?' },
    { seq: 1, kind: 'speech', caller: 'my laptop', agent: 'Sorry. What is your full name?' },
    { seq: 2, kind: 'speech', caller: 'Manas Kumar', agent: 'Thanks, Manas Kumar. What is your email?' },
    { seq: 3, kind: 'speech', caller: 'manas at x dot com', agent: 'I have manas@x.com. Is that right?' },
  ],
  dataCollected: { name: { value: 'Manas Kumar', turn: 2 } },
  endedBy: 'user',
  ...overrides,
});

const check = (expect: unknown, observed: ObservedCall = call()) =>
  checkExpectations(agent, expectationsSchema.parse(expect), observed);

describe('checkExpectations', () => {
  it('passes a call that meets every expectation', () => {
    expect(
      check({
        collected: { name: 'Manas Kumar' },
        not_collected: ['email'],
        ends: false,
        agent_says: ['FULL NAME', { phrase: 'is that right?', turn: 3 }],
        agent_never_says: ['goodbye', { phrase: 'email', turn: 1 }],
        max_agent_turns: 4,
      }),
    ).toEqual([]);
  });

  it('names the turn and both values for a wrong collected value, and a value never collected', () => {
    expect(check({ collected: { name: 'Manas', email: 'a@b.co' } })).toEqual([
      'turn 2: expected name "Manas", got "Manas Kumar"',
      'expected email "a@b.co"; it was never collected',
    ]);
  });

  it('compares after the field normalizer: spoken or formatted expected values match', () => {
    const observed = call({
      dataCollected: {
        email: { value: 'manas.k@gmail.com', turn: 3 },
        phone: { value: '+14155550142', turn: 4 },
      },
    });
    expect(check({ collected: { email: 'Manas.K@Gmail.com', phone: '(415) 555-0142' } }, observed)).toEqual(
      [],
    );
    expect(check({ collected: { phone: '415 555 0143' } }, observed)).toEqual([
      'turn 4: expected phone "415 555 0143", got "+14155550142"',
    ]);
  });

  it('reports a field the agent does not have, and values collected against not_collected', () => {
    expect(check({ collected: { age: 3 }, not_collected: ['name'] })).toEqual([
      'expected age "3", but the agent has no field "age"',
      'turn 2: collected name "Manas Kumar" (not_collected)',
    ]);
  });

  it('checks how and when the call ended', () => {
    expect(check({ ends_by_turn: 2, ended_by: 'system_complete' })).toEqual([
      'turn 3: expected ended_by "system_complete", got "user"',
      'expected the call to end by turn 2; it was still going after turn 3',
    ]);
    const ended = call({ endedByAgent: true, endedBy: 'user' });
    expect(check({ ends_by_turn: 2 }, ended)).toEqual([
      'expected the call to end by turn 2; it ended at turn 3',
    ]);
    expect(check({ ends: false }, ended)).toEqual([
      'turn 3: the call ended (ended_by "user"); expected it to go on',
    ]);
    expect(check({ ends: true })).toEqual([
      'expected the agent to end the call; it was still going after turn 3',
    ]);
  });

  it('fails a call the agent ended before the caller said every line', () => {
    const early = call({ endedByAgent: true, linesSaid: 3, linesTotal: 5 });
    expect(check({}, early)).toEqual(['the call ended at turn 3 with 2 caller line(s) never said']);
    expect(check({ ends_by_turn: 3 }, early)).toEqual([]);
  });

  it('names the turn of phrases said or missing', () => {
    expect(check({ agent_never_says: ['email'] })).toEqual(['turn 2: agent said "email" (agent_never_says)']);
    expect(check({ agent_says: ['refund', { phrase: 'email', turn: 1 }, { phrase: 'x', turn: 9 }] })).toEqual(
      [
        'the agent never said "refund"',
        'turn 1: agent did not say "email"; it said "Sorry. What is your full name?"',
        'turn 9: expected the agent to say "x"; the call has no turn 9',
      ],
    );
  });

  it('bounds the agent turns and checks transfers by target id', () => {
    expect(check({ max_agent_turns: 3 })).toEqual(['the agent spoke in 4 turns (max_agent_turns 3)']);
    expect(check({ transfer_to: 'billing' })).toEqual([
      'expected a transfer to "billing"; the call was not transferred (turn 3)',
    ]);
    expect(check({ transfer_to: 'billing' }, call({ transferredTo: '+14155550111' }))).toEqual([]);
    expect(check({ transfer_to: 'billing' }, call({ transferredTo: '+14155550122' }))).toEqual([
      'turn 3: expected a transfer to "billing", got "sales"',
    ]);
    expect(check({ transfer_to: 'legal' })).toEqual([
      'expected a transfer to "legal", but the agent has no such transfer target',
    ]);
  });

  it('puts a broken call first', () => {
    expect(check({}, call({ problem: 'turn 2: the server failed' }))).toEqual(['turn 2: the server failed']);
  });
});

describe('foldText', () => {
  it('ignores case, spacing, curly apostrophes and Unicode forms', () => {
    expect(foldText('I’ll  END the\ncall')).toBe("i'll end the call");
    expect(foldText('ＡＢＣ')).toBe('abc');
  });
});
