import type { FakeScript } from './fake-openai-server.js';
import { callerWords } from './support-model-script.js';

/**
 * A rule-based stand-in for a good model on the order-support agent (examples/order-support-001.json),
 * for the fake OpenAI server: an order number in the caller's words is looked up with lookup_order
 * (a short line first, as a model does), the tool's answer is said in plain words, a failure is an
 * apology, and a goodbye ends the call.
 */
interface Message {
  role: string;
  content: string | null;
  tool_call_id?: string;
}

const GOODBYE = /\b(bye|goodbye|that's all|that is all)\b/i;

function spoken(result: string): string {
  let answer: { order_id?: string; status?: string; delivery?: string; error?: unknown; answer?: unknown };
  try {
    answer = JSON.parse(result) as typeof answer;
  } catch {
    return "Sorry, I couldn't read that order just now.";
  }
  if (answer.status && answer.order_id) {
    const when = answer.status === 'delivered' ? 'It was delivered on' : 'It should arrive on';
    return `Order ${answer.order_id} is ${answer.status}. ${when} ${answer.delivery}.`;
  }
  if (answer.answer) return "I couldn't find that order. Could you check the number for me?";
  return "Sorry, I can't check orders right now. Would you like the team to email you instead?";
}

export function ordersModelScript(body: Record<string, unknown>): FakeScript {
  const messages = (body.messages ?? []) as Message[];
  const last = messages.at(-1);
  if (last?.role === 'tool') return { text: spoken(last.content ?? '') };
  const caller = callerWords(last?.content ?? '');
  if (GOODBYE.test(caller)) {
    return {
      text: 'Thanks for calling Northwind Shop. Goodbye!',
      toolCalls: [{ name: 'end_call', arguments: { reason: 'caller_done' } }],
    };
  }
  const orderId = /\b(\d{3,10})\b/.exec(caller)?.[1];
  if (orderId)
    return { text: 'Let me check.', toolCalls: [{ name: 'lookup_order', arguments: { order_id: orderId } }] };
  return { text: 'I can check that for you. What is your order number?' };
}
