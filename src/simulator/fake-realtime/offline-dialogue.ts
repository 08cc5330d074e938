// The scripted dialogue `voice-agent simulate --transport realtime` plays offline: the fake realtime
// model hears the caller's lines in order and fills the agent's form, one detail per line after the
// first (record_field with the caller's words, which our server validates), asks for the next, and
// ends the call (end_call) once every detail is asked. Its audio is a tone as long as its words.
import type { DialogueScript, RealtimeTurnScript } from './fake-realtime-dialogue.js';
import { toneFor } from './tone.js';

export interface OfflineAgent {
  greeting?: string;
  data_to_fill?: { name: string; description?: string }[];
}

const line = (text: string) => ({ text, audio: toneFor(text, 40) });

export function offlineDialogue(lines: readonly string[], agent: OfflineAgent): DialogueScript {
  const fields = agent.data_to_fill ?? [];
  const ask = (index: number) => {
    const field = fields[index];
    return field ? `What's your ${field.description ?? field.name.replace(/_/g, ' ')}, please?` : undefined;
  };
  const turns: RealtimeTurnScript[] = lines.map((heard, index) => {
    if (index === 0) {
      const first = ask(0);
      return {
        heard,
        reply: line(first ? `I see, thanks for explaining. ${first}` : 'I see. Anything else?'),
      };
    }
    const field = fields[index - 1];
    const next = ask(index);
    const toolCalls = field ? [{ name: 'record_field', arguments: { field: field.name, value: heard } }] : [];
    if (next) return { heard, toolCalls, reply: line(`Thank you. ${next}`) };
    return {
      heard,
      toolCalls: [...toolCalls, { name: 'end_call', arguments: { reason: 'all_collected' } }],
      reply: line("Thank you, that's everything I need. Goodbye!"),
    };
  });
  return {
    greeting: line(agent.greeting ?? 'Hello, how can I help?'),
    turns,
    fallbackReply: line('Sorry, could you say that again?'),
    deltaBytes: 1_600,
    deltaIntervalMs: 2,
  };
}
