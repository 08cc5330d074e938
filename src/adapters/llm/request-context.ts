// Where a request's volatile context goes: in front of the caller's latest words, in the last user
// message. Every provider accepts it there (a system message after the conversation is refused by
// Anthropic, Bedrock and the chat templates of several open models), and it sits after everything
// that repeats from one request of a call to the next, so it never breaks the cached prefix.
import type { ChatMessage, ModelRequest } from '../../ports/language-model.js';

/** The index of the message the context joins: the last user message, or -1 when there is none. */
export function contextIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i]!.role === 'user') return i;
  return -1;
}

/** The messages as text, the context joined to the last user message (or added as one). */
export function messagesWithContext(request: Pick<ModelRequest, 'messages' | 'context'>): ChatMessage[] {
  const { messages, context } = request;
  if (!context) return [...messages];
  const at = contextIndex(messages);
  if (at < 0) return [...messages, { role: 'user', content: context }];
  return messages.map((message, i) =>
    i === at ? { ...message, content: `${context}\n\n${message.content}` } : message,
  );
}
