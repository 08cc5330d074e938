import type { FakeScript } from './fake-openai-server.js';

/**
 * A rule-based stand-in for a good model on the support agent (examples/customer-support-001.json),
 * for the fake OpenAI server: it reads the request the way a model would (the system text's list of
 * missing details, the last messages) and follows the flow the prompt asks for: help first with
 * concrete steps, then collect the missing details through record_field, read the email back, and
 * close with end_call when the caller says goodbye.
 */
interface Message {
  role: string;
  content: string;
}

const GOODBYE = /\b(bye|goodbye|that's all|that is all)\b/i;
const PROBLEM = /\b(won't|will not|doesn't|does not|not working|broken|dead|problem)\b/i;
export const YES = /^(yes|yeah|yep|correct|that's right|right)\b/i;

// The engine sends what changes every turn in a <call_state> block before the caller's latest words.
const CALL_STATE = /^<call_state>\n([\s\S]*?)\n<\/call_state>\n*/;

/** A user message without the call_state block the engine put before the caller's words. */
export function callerWords(content: string): string {
  return content.replace(CALL_STATE, '');
}

/** The required fields a call_state block lists as still missing. */
function missingFields(state: string): string[] {
  const line = /^Still missing: (.*)\.$/m.exec(state)?.[1] ?? '';
  return [...line.matchAll(/(\w+) \(required\)/g)].map((m) => m[1]!);
}

/** What a model reads in a chat request: the conversation, its last lines and the missing fields. */
export function readRequest(body: Record<string, unknown>) {
  const messages = (body.messages ?? []) as Message[];
  const conversation = messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ ...m, content: callerWords(m.content) }));
  const last = messages.at(-1);
  const state = last?.role === 'user' ? (CALL_STATE.exec(last.content)?.[1] ?? '') : '';
  return {
    conversation,
    caller: conversation.at(-1)?.content ?? '',
    lastAgent: conversation.filter((m) => m.role === 'assistant').at(-1)?.content ?? '',
    missing: missingFields(state),
    state,
  };
}

function ask(field: string | undefined): string {
  if (field === 'name') return 'So a technician can follow up, may I have your name?';
  if (field === 'email') return 'And what is your email address?';
  return 'Is there anything else I can help you with?';
}

export function supportModelScript(body: Record<string, unknown>): FakeScript {
  const { conversation, caller, lastAgent, missing } = readRequest(body);
  const helped = conversation.some((m) => m.role === 'assistant' && /power button/i.test(m.content));

  if (GOODBYE.test(caller)) {
    return {
      text: 'Thanks for calling. A technician will email you shortly. Goodbye!',
      toolCalls: [{ name: 'end_call', arguments: { reason: 'caller_done' } }],
    };
  }
  if (/your name\?$/.test(lastAgent) && missing.includes('name')) {
    const name = caller.replace(/^(my name is|i'm|this is)\s+/i, '').replace(/[.!]+$/, '');
    return {
      text: `Thanks, ${name}. ${ask(missing.find((f) => f !== 'name'))}`,
      toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: caller } }],
    };
  }
  if (/email address\?$/.test(lastAgent) && missing.includes('email')) {
    const spoken = caller.replace(/^(it's|it is|my email is)\s+/i, '').replace(/[.!]+$/, '');
    return {
      text: `I have your email as ${spoken}. Is that right?`,
      toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: caller } }],
    };
  }
  if (/Is that right\?$/.test(lastAgent) && YES.test(caller)) {
    return { text: `Great. ${ask(missing[0])}` };
  }
  if (!helped && PROBLEM.test(caller)) {
    return {
      text: 'Sorry to hear that. First, check that the charger is plugged in and its light is on, then hold the power button for thirty seconds. Did that help?',
    };
  }
  return {
    text: helped
      ? `I'm glad that helped. ${ask(missing[0])}`
      : 'Could you tell me a bit more about the problem?',
  };
}
