import { describe, expect, it } from 'vitest';
import { agentSchema, type Agent } from '../domain/agent.js';
import type { Call, Turn } from '../domain/call.js';
import type { TurnReply } from '../ports/reply-policy.js';
import { ScriptedPolicy } from './scripted-policy.js';

const NOW = new Date('2026-03-09T15:00:00Z');

function makeAgent(overrides: Record<string, unknown> = {}): Agent {
  return agentSchema.parse({
    agent_id: 'support',
    name: 'Support',
    prompt: 'Help callers.',
    voice: 'Polly.Joanna',
    language: 'en-US',
    greeting: 'Hi, thanks for calling support. How can I help?',
    data_to_fill: [
      { name: 'full_name', type: 'name' },
      { name: 'email', type: 'email' },
      { name: 'phone', type: 'phone', required: false },
    ],
    created_at: NOW.toISOString(),
    updated_at: NOW.toISOString(),
    version: 1,
    ...overrides,
  });
}

/** A call driven through the policy the way the engine drives it: replies are stored as turns. */
class FakeCall {
  readonly policy = new ScriptedPolicy();
  readonly history: Turn[];
  readonly call: Call;

  constructor(readonly agent: Agent) {
    this.call = {
      call_sid: 'CA1',
      agent_id: agent.agent_id,
      direction: 'inbound',
      transport: 'gather',
      recipient_phone: '+14155550100',
      agent_phone: '+14155550199',
      agent_recipient_key: `+14155550100#${NOW.toISOString()}`,
      status: 'in-progress',
      status_sequence: 0,
      started_at: NOW.toISOString(),
      data_collected: {},
      turn_count: 1,
      version: 1,
    };
    this.history = [this.turn(0, undefined, agent.greeting)];
  }

  private turn(seq: number, callerText: string | undefined, agentText: string): Turn {
    return {
      call_sid: 'CA1',
      seq,
      kind: seq === 0 ? 'greeting' : 'speech',
      ...(callerText === undefined ? {} : { caller_text: callerText }),
      agent_text: agentText,
      received_at: NOW.toISOString(),
      replied_at: NOW.toISOString(),
      latency_ms: 1,
    };
  }

  async say(callerText: string): Promise<TurnReply> {
    const seq = this.history.length;
    const stream = this.policy.respond({
      agent: this.agent,
      call: structuredClone(this.call),
      history: [...this.history],
      pastCalls: [],
      callerText,
      seq,
      now: NOW,
      timezone: 'America/New_York',
      signal: new AbortController().signal,
    });
    const chunks: string[] = [];
    for await (const chunk of stream.textStream) chunks.push(chunk);
    const reply = await stream.reply;
    expect(chunks).toEqual([reply.text]);
    for (const [name, value] of Object.entries(reply.extracted)) {
      this.call.data_collected[name] = { value, turn: seq };
    }
    this.history.push(this.turn(seq, callerText, reply.text));
    return reply;
  }

  values(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.call.data_collected).map(([k, v]) => [k, v.value]));
  }
}

describe('ScriptedPolicy', () => {
  it('is named scripted', () => {
    expect(new ScriptedPolicy().name).toBe('scripted');
  });

  it('fills a form from greeting to system_complete, reading back email and phone', async () => {
    const call = new FakeCall(makeAgent());
    const first = await call.say("Hi, my laptop won't turn on");
    expect(first.text).toBe(
      "I'm sorry to hear that. I'm running without a language model, so I'll take your details and our team will follow up. Could you tell me your name?",
    );
    expect(first.extracted).toEqual({});

    const name = await call.say('Yeah so my name is manas and I really need this fixed today');
    expect(name.extracted).toEqual({ full_name: 'Manas' });
    expect(name.text).toBe('Thanks, Manas. Could you tell me your email address?');

    const email = await call.say("it's manas dot k at gmail dot com");
    expect(email.extracted).toEqual({});
    expect(email.text).toBe(
      'I have your email address as M as in Mike, A, N as in November, A, S as in Sierra, dot, K as in Kilo, at gmail dot com. Is that right?',
    );

    const yes = await call.say('yes');
    expect(yes.extracted).toEqual({ email: 'manas.k@gmail.com' });
    expect(yes.text).toBe('Got it. Could you tell me your phone number?');

    const phone = await call.say('four one five double five five two six seven one');
    expect(phone.text).toBe('I have your phone number as 4 1 5, 5 5 5, 2 6 7 1. Is that right?');

    const done = await call.say("yeah that's right");
    expect(done.end).toBe('system_complete');
    expect(done.extracted).toEqual({ phone: '+14155552671' });
    expect(done.text).toBe(
      'Got it. I have your name as Manas, your email address as manas dot k at gmail dot com, and your phone number as 4 1 5, 5 5 5, 2 6 7 1. Our team will follow up soon. Thanks for calling. Goodbye!',
    );
    expect(call.values()).toEqual({ full_name: 'Manas', email: 'manas.k@gmail.com', phone: '+14155552671' });
    // The scripted notice is said once.
    expect(call.history.filter((t) => t.agent_text.includes('without a language model'))).toHaveLength(1);
  });

  it('drops a read-back value on "no", re-asks, and accepts a corrected value', async () => {
    const call = new FakeCall(makeAgent());
    await call.say('Hello, this is Dana Scully.');
    expect(call.values()).toEqual({ full_name: 'Dana Scully' });
    await call.say('dana at fbi dot gov');
    const no = await call.say('no');
    expect(no.extracted).toEqual({});
    expect(no.text).toBe('Sorry about that. What is your email address?');
    const again = await call.say('dscully at fbi dot gov');
    expect(again.text).toBe(
      'I have your email address as D as in Delta, S as in Sierra, C as in Charlie, U L, L Y, at F as in Foxtrot, B as in Bravo, I, dot gov. Is that right?',
    );
    const corrected = await call.say("no, it's dana dot scully at fbi dot gov");
    expect(corrected.extracted).toEqual({});
    const readBack =
      'I have your email address as D as in Delta, A, N as in November, A, dot, S as in Sierra, C as in Charlie, U L, L Y, at F as in Foxtrot, B as in Bravo, I, dot gov. Is that right?';
    expect(corrected.text).toBe(`Sorry about that. ${readBack}`);
    const unclear = await call.say('hmm');
    expect(unclear.text).toBe(`Please say yes or no. ${readBack}`);
    const yes = await call.say('correct');
    expect(yes.extracted).toEqual({ email: 'dana.scully@fbi.gov' });
  });

  it('changes only the part a caller corrects, as the recognizer writes it, and reads the value back again', async () => {
    const call = new FakeCall(makeAgent());
    await call.say('Hi, this is Kate Fox.');
    const heard = await call.say('My email is Cate dot Fox at Gmail dot com.');
    expect(heard.text).toContain(
      'as C as in Charlie, A, T as in Tango, E as in Echo, dot, F as in Foxtrot, O X,',
    );
    const letter = await call.say("No, it's K, not C.");
    expect(letter.extracted).toEqual({});
    expect(letter.text).toBe(
      'Sorry about that. I have your email address as K as in Kilo, A, T as in Tango, E as in Echo, dot, F as in Foxtrot, O X, at gmail dot com. Is that right?',
    );
    const ending = await call.say("Yes, but it's dot net, not dot com.");
    // gmail.net is no common domain: it is spelled.
    expect(ending.text).toBe(
      'Sorry about that. I have your email address as K as in Kilo, A, T as in Tango, E as in Echo, dot, F as in Foxtrot, O X, at G as in Golf, M as in Mike, A I L, dot net. Is that right?',
    );
    const yes = await call.say('Yes.');
    expect(yes.extracted).toEqual({ email: 'kate.fox@gmail.net' });
  });

  it('puts a letter spelled with its aid in place of the one it stands for', async () => {
    const call = new FakeCall(makeAgent({ data_to_fill: [{ name: 'email', type: 'email' }] }));
    await call.say('Hello.');
    await call.say('Cate at Gmail dot com.');
    const aid = await call.say('No, kay as in kilo.');
    expect(aid.text).toBe(
      'Sorry about that. I have your email address as K as in Kilo, A, T as in Tango, E as in Echo, at gmail dot com. Is that right?',
    );
    expect((await call.say('Correct.')).extracted).toEqual({ email: 'kate@gmail.com' });
  });

  it('takes "the last digit is 7" as a change to the number read back', async () => {
    const call = new FakeCall(makeAgent({ data_to_fill: [{ name: 'phone', type: 'phone' }] }));
    await call.say('I need a call back.');
    const heard = await call.say('My number is 415-555-0100.');
    expect(heard.text).toBe('I have your phone number as 4 1 5, 5 5 5, 0 1 0 0. Is that right?');
    const last = await call.say('The last digit is 7.');
    expect(last.text).toBe(
      'Sorry about that. I have your phone number as 4 1 5, 5 5 5, 0 1 0 7. Is that right?',
    );
    const yes = await call.say("Yes, that's right.");
    expect(yes.extracted).toEqual({ phone: '+14155550107' });
    expect(yes.end).toBe('system_complete');
  });

  it('asks again when a correction names no single place in the value', async () => {
    const call = new FakeCall(makeAgent({ data_to_fill: [{ name: 'email', type: 'email' }] }));
    await call.say('Hello.');
    await call.say('cece at gmail dot com');
    const ambiguous = await call.say("No, it's K, not C.");
    expect(ambiguous.extracted).toEqual({});
    expect(ambiguous.text).toBe('Sorry about that. What is your email address?');
  });

  it('ends with end=user on a goodbye, using the agent closing line', async () => {
    const call = new FakeCall(makeAgent({ closing_line: 'Thanks, take care!' }));
    await call.say('I need help with my router');
    const bye = await call.say("actually that's all, thank you, bye");
    expect(bye).toEqual({ text: 'Thanks, take care!', end: 'user', extracted: {} });
  });

  it('counts agent end_call_phrases as closings', async () => {
    const call = new FakeCall(makeAgent({ end_call_phrases: ['we are done'] }));
    expect((await call.say('ok we are done')).end).toBe('user');
  });

  it('does not end when goodbye is mentioned in passing, and re-asks the field', async () => {
    const call = new FakeCall(makeAgent());
    await call.say('My old computer died');
    const passing = await call.say('I said goodbye to my old laptop');
    expect(passing.end).toBeUndefined();
    expect(passing.extracted).toEqual({});
    expect(passing.text).toBe("Sorry, I didn't catch that. What is your name?");
  });

  it('picks up an email said while asked for the name, and reads it back first', async () => {
    const call = new FakeCall(makeAgent());
    await call.say('I have a billing question');
    const reply = await call.say("I'm Lee, my email is lee@example.com");
    expect(reply.extracted).toEqual({ full_name: 'Lee' });
    expect(reply.text).toBe(
      'Thanks, Lee. I have your email address as L, E as in Echo, E as in Echo, at E as in Echo, X A, M as in Mike, P as in Papa, L, E as in Echo, dot com. Is that right?',
    );
    const yes = await call.say('yep');
    expect(yes.extracted).toEqual({ email: 'lee@example.com' });
    expect(yes.text).toBe('Got it. Could you tell me your phone number?');
  });

  it('skips an optional field after three failed tries, and keeps asking a required one', async () => {
    const call = new FakeCall(makeAgent());
    await call.say('hello');
    const asks: string[] = [];
    for (let i = 0; i < 4; i += 1) asks.push((await call.say("I don't know")).text);
    // Required: never skipped, the wording varies.
    expect(asks.every((t) => t.startsWith("Sorry, I didn't catch that."))).toBe(true);
    expect(new Set(asks).size).toBeGreaterThan(1);
    await call.say('Ann');
    await call.say('ann at example dot com');
    await call.say('yes');
    await call.say('I would rather not');
    await call.say('no');
    const third = await call.say('pass');
    expect(third.text).toContain("No problem, we'll skip your phone number.");
    expect(third.end).toBe('system_complete');
    expect(call.values()).toEqual({ full_name: 'Ann', email: 'ann@example.com' });
  });

  it('speaks Hindi for a hi-IN agent', async () => {
    const call = new FakeCall(
      makeAgent({
        voice: 'Polly.Aditi',
        language: 'hi-IN',
        greeting: 'नमस्ते, सहायता केंद्र में आपका स्वागत है।',
        data_to_fill: [
          { name: 'naam', type: 'name' },
          { name: 'phone', type: 'phone' },
        ],
      }),
    );
    const first = await call.say('मेरा लैपटॉप खराब हो गया है');
    expect(first.text).toContain('यह सुनकर खेद है।');
    expect(first.text).toContain('बिना लैंग्वेज मॉडल');
    expect(first.text).toContain('कृपया अपना नाम बताइए।');
    const name = await call.say('मेरा नाम राहुल है');
    expect(name.extracted).toEqual({ naam: 'राहुल' });
    expect(name.text).toBe('धन्यवाद, राहुल जी। कृपया अपना फ़ोन नंबर बताइए।');
    const phone = await call.say('नौ आठ सात छह पांच चार तीन दो एक शून्य');
    expect(phone.text).toBe('मेरे पास आपका फ़ोन नंबर 9 8 7 6 5, 4 3 2 1 0 है। क्या यह सही है?');
    const fixed = await call.say('आखिरी अंक 5 है');
    expect(fixed.text).toBe('माफ़ कीजिए। मेरे पास आपका फ़ोन नंबर 9 8 7 6 5, 4 3 2 1 5 है। क्या यह सही है?');
    const yes = await call.say('जी हाँ');
    expect(yes.extracted).toEqual({ phone: '+919876543215' });
    expect(yes.end).toBe('system_complete');
    expect(yes.text).toContain('नमस्ते!');
    const bye = new FakeCall(call.agent);
    await bye.say('नमस्ते');
    expect((await bye.say('ठीक है बाय')).end).toBe('user');
  });

  it('closes at once when the agent has no fields to fill', async () => {
    const call = new FakeCall(makeAgent({ data_to_fill: [] }));
    const reply = await call.say('Can someone call me back?');
    expect(reply.end).toBe('system_complete');
    expect(reply.text).toContain("I'm running without a language model");
  });
});
