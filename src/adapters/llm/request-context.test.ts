import { describe, expect, it } from 'vitest';
import { messagesWithContext } from './request-context.js';

describe('messagesWithContext', () => {
  const messages = [
    { role: 'user' as const, content: 'hi' },
    { role: 'assistant' as const, content: 'Hello.', cacheMark: true },
    { role: 'user' as const, content: 'yes' },
  ];

  it('puts the context before the latest words of the caller and leaves the earlier messages as they are', () => {
    const out = messagesWithContext({ messages, context: '<call_state>now</call_state>' });
    expect(out.slice(0, 2)).toEqual(messages.slice(0, 2));
    expect(out[2]).toEqual({ role: 'user', content: '<call_state>now</call_state>\n\nyes' });
    expect(messages[2]!.content).toBe('yes');
  });

  it('changes nothing without a context, and adds a user message when the conversation has none', () => {
    expect(messagesWithContext({ messages })).toEqual(messages);
    expect(messagesWithContext({ messages: [], context: 'state' })).toEqual([
      { role: 'user', content: 'state' },
    ]);
  });
});
