import { describe, expect, it } from 'vitest';
import { ScriptedLanguageModel } from '../../test/fakes/scripted-language-model.js';
import { exampleAgent } from '../../test/fakes/turn-context.js';
import type { ObservedCall, ObservedTurn } from './observed-call.js';
import { judgePersonaCall } from './persona-judge.js';
import type { PersonaObject } from './schema.js';

const support = exampleAgent('customer-support-001.json');
const persona: PersonaObject = {
  who: 'Manas, whose laptop will not start',
  goal: 'a working laptop or a technician',
  facts: { name: 'Manas', email: 'manas.k@gmail.com' },
  goal_met_when: ['technician will email you'],
};

function call(
  transcript: ObservedTurn[],
  collected: Record<string, unknown>,
  endedBy = 'user',
): ObservedCall {
  return {
    callSid: 'CA1',
    transport: 'gather',
    endedByAgent: true,
    linesSaid: transcript.length,
    linesTotal: transcript.length,
    transcript,
    dataCollected: Object.fromEntries(Object.entries(collected).map(([k, value]) => [k, { value, turn: 3 }])),
    endedBy,
  };
}

const helped: ObservedTurn[] = [
  { seq: 0, kind: 'greeting', agent: support.greeting },
  {
    seq: 1,
    kind: 'speech',
    caller: "My laptop won't start.",
    agent: 'Sorry. Hold the power button for 30 seconds. Did that help?',
  },
  { seq: 2, kind: 'speech', caller: 'No.', agent: 'So a technician can follow up, may I have your name?' },
  { seq: 3, kind: 'speech', caller: 'Manas.', agent: 'Thanks, Manas. And what is your email address?' },
  {
    seq: 4,
    kind: 'speech',
    caller: 'manas dot k at gmail dot com',
    agent: 'I have your email as manas.k@gmail.com. Is that right?',
  },
  { seq: 5, kind: 'speech', caller: 'Yes, bye.', agent: 'A technician will email you shortly. Goodbye!' },
];

describe('judgePersonaCall without a model (the rules)', () => {
  it('passes a call that helped first, collected the caller’s details and said the goal', async () => {
    const verdicts = await judgePersonaCall({
      agent: support,
      persona,
      call: call(helped, { name: 'Manas', email: 'manas.k@gmail.com' }),
    });
    expect(verdicts.map((v) => [v.criterion, v.status, v.judge])).toEqual([
      ['data_collected', 'pass', 'rules'],
      ['goal_met', 'pass', 'rules'],
      ['no_invented_facts', 'pass', 'rules'],
      ['help_before_collection', 'pass', 'rules'],
    ]);
    expect(verdicts[1]!.reason).toBe('turn 5: the agent said "technician will email you"');
    expect(verdicts[3]!.reason).toBe(
      'turn 2: the first detail was asked for after the agent answered the need',
    );
  });

  it('fails each criterion the call misses, naming the turn', async () => {
    const collectedFirst: ObservedTurn[] = [
      helped[0]!,
      {
        seq: 1,
        kind: 'speech',
        caller: 'My order never came.',
        agent: 'Sorry. Could you tell me your full name?',
      },
      {
        seq: 2,
        kind: 'speech',
        caller: 'Manas.',
        agent: 'Your order 5521 ships Monday. Refunds take 14 days. I have your email as manas@gmail.com.',
      },
    ];
    const verdicts = await judgePersonaCall({
      agent: support,
      persona,
      call: call(collectedFirst, { name: 'Manas', email: 'manas@gmail.com' }, 'system_silence'),
    });
    expect(Object.fromEntries(verdicts.map((v) => [v.criterion, [v.status, v.reason]]))).toEqual({
      data_collected: ['fail', 'turn 3: email is "manas@gmail.com", the caller\'s is "manas.k@gmail.com"'],
      goal_met: ['fail', 'the call ended without the caller (ended_by system_silence)'],
      no_invented_facts: [
        'fail',
        'turn 2: "5521", turn 2: "14" came from neither the caller nor the agent\'s instructions',
      ],
      help_before_collection: ['fail', "turn 1: the agent's first reply asked for a detail before it helped"],
    });
  });

  it('finds a spelled read-back of an address the caller never gave, and a required field never collected', async () => {
    const turns: ObservedTurn[] = [
      helped[0]!,
      {
        seq: 1,
        kind: 'speech',
        caller: 'Hello.',
        agent:
          'I have your email address as B as in Bravo, O, B as in Bravo, at gmail dot com. Is that right?',
      },
    ];
    const verdicts = await judgePersonaCall({
      agent: support,
      persona: { who: 'Manas', goal: 'help' },
      criteria: ['data_collected', 'no_invented_facts', 'goal_met'],
      call: call(turns, {}),
    });
    expect(verdicts.map((v) => [v.criterion, v.status, v.reason])).toEqual([
      ['data_collected', 'fail', 'name was never collected; email was never collected'],
      ['goal_met', 'skip', 'not judged: it needs a language model, or goal_met_when'],
      [
        'no_invented_facts',
        'fail',
        'turn 1: "bob@gmail.com" came from neither the caller nor the agent\'s instructions',
      ],
    ]);
  });
});

describe('judgePersonaCall with a model', () => {
  it('asks the model judge about the goal, invented facts and help first, with the persona’s goal; checks data itself', async () => {
    const model = new ScriptedLanguageModel((request) => {
      const criterion = request.messages[0]!.content;
      const pass = !criterion.startsWith('Criterion: Before asking');
      return {
        toolCalls: [
          { name: 'verdict', arguments: { pass, reason: pass ? 'turn 5 shows it' : 'turn 1 asks first' } },
        ],
      };
    });
    const verdicts = await judgePersonaCall({
      agent: support,
      persona,
      call: call(helped, { name: 'Manas', email: 'manas.k@gmail.com' }),
      model,
    });
    expect(verdicts.map((v) => [v.criterion, v.status, v.judge, v.reason])).toEqual([
      ['data_collected', 'pass', 'rules', 'collected name "Manas", email "manas.k@gmail.com"'],
      ['goal_met', 'pass', 'model', 'turn 5 shows it'],
      ['no_invented_facts', 'pass', 'model', 'turn 5 shows it'],
      ['help_before_collection', 'fail', 'model', 'turn 1 asks first'],
    ]);
    expect(model.requests).toHaveLength(3);
    expect(model.requests[0]!.messages[0]!.content).toContain('The goal: a working laptop or a technician');
    expect(model.requests[0]!.messages[0]!.content).toContain('[turn 5] Agent: A technician will email you');
  });
});
