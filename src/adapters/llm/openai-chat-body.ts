// The body of a streamed chat-completions request, as the AI SDK's providers build it for our requests
// (@ai-sdk/openai's .chat() and @ai-sdk/openai-compatible), so moving off the SDK changes no request.
import type { ChatMessage, ModelRequest } from '../../ports/language-model.js';
import { messagesWithContext } from './request-context.js';

/** 'openai' applies OpenAI's rules for reasoning models; 'openai-compatible' sends what it is given. */
export type ChatFlavor = 'openai' | 'openai-compatible';

// @ai-sdk/openai's getOpenAILanguageModelCapabilities: o-series models and GPT-5 and later (except
// the gpt-N-chat ones) are reasoning models, which take the system text as a 'developer' message,
// refuse temperature and count max_completion_tokens instead of max_tokens.
export function isOpenAiReasoningModel(model: string): boolean {
  if (/^o\d+(?:-|$)/.test(model)) return true;
  const gpt = /^gpt-(\d+)(?:\.(\d+))?(?:-(.+))?$/.exec(model);
  if (!gpt) return false;
  const chatVariant = gpt[2] === undefined && (gpt[3] ?? '').startsWith('chat');
  return Number(gpt[1]) >= 5 && !chatVariant;
}

/** A message as chat completions take it: a tool call's arguments as JSON text, results by call id. */
export function chatMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool')
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role === 'assistant' && message.toolCalls?.length) {
    return {
      role: 'assistant',
      content: message.content || null,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id ?? call.name,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

export function chatCompletionsBody(
  flavor: ChatFlavor,
  model: string,
  request: ModelRequest,
  maxOutputTokens: number,
): Record<string, unknown> {
  const reasoning = flavor === 'openai' && isOpenAiReasoningModel(model);
  const messages = [
    { role: reasoning ? 'developer' : 'system', content: request.system },
    // OpenAI caches any repeated prefix of 1,024 tokens or more by itself: no mark to send.
    ...messagesWithContext(request).map(chatMessage),
  ];
  const tools = request.tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
  return {
    model,
    ...(reasoning ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens }),
    ...(request.temperature !== undefined && !reasoning ? { temperature: request.temperature } : {}),
    messages,
    ...(tools.length > 0 ? { tools, tool_choice: 'auto' } : {}),
    stream: true,
    stream_options: { include_usage: true },
  };
}
