// The parts of a test only a language model can play: a caller persona, and rubric sentences judged
// against the transcript. Both use the LanguageModel port, so any configured provider works.
import type { ChatMessage, LanguageModel, ModelRequest } from '../ports/language-model.js';
import type { ObservedTurn } from './observed-call.js';
import type { CallerLine } from './schema.js';

const JUDGE_TIMEOUT_MS = 30_000;
const HANG_UP = '[hang up]';

async function complete(
  model: LanguageModel,
  request: Omit<ModelRequest, 'signal'>,
): Promise<{ text: string; args?: Record<string, unknown> }> {
  let text = '';
  let args: Record<string, unknown> | undefined;
  for await (const event of model.stream({ ...request, signal: AbortSignal.timeout(JUDGE_TIMEOUT_MS) })) {
    if (event.type === 'text-delta') text += event.text;
    else if (event.type === 'tool-call') args ??= event.call.arguments;
  }
  return { text: text.trim(), ...(args ? { args } : {}) };
}

function transcriptText(transcript: readonly ObservedTurn[]): string {
  return transcript
    .flatMap((turn) => [
      ...(turn.caller !== undefined ? [`[turn ${turn.seq}] Caller: ${turn.caller || `(${turn.kind})`}`] : []),
      ...(turn.agent ? [`[turn ${turn.seq}] Agent: ${turn.agent}`] : []),
    ])
    .join('\n');
}

export interface Verdict {
  pass: boolean;
  reason: string;
}

/** One rubric sentence judged against the transcript (a `verdict` tool call, or JSON text). */
export async function judgeRubric(
  model: LanguageModel,
  sentence: string,
  transcript: readonly ObservedTurn[],
): Promise<Verdict> {
  const { text, args } = await complete(model, {
    system:
      'You grade phone calls between a voice agent and a caller. Decide whether the criterion holds for the ' +
      'transcript. Be strict: if the transcript does not show it, it does not hold. Answer by calling the ' +
      'verdict tool once, with a one-sentence reason that cites the turn.',
    messages: [
      { role: 'user', content: `Criterion: ${sentence}\n\nTranscript:\n${transcriptText(transcript)}` },
    ],
    tools: [
      {
        name: 'verdict',
        description: 'Your decision on the criterion',
        parameters: {
          type: 'object',
          properties: { pass: { type: 'boolean' }, reason: { type: 'string' } },
          required: ['pass', 'reason'],
        },
      },
    ],
    temperature: 0,
    maxOutputTokens: 300,
  });
  const parsed = args ?? parseJson(text);
  if (!parsed || typeof parsed.pass !== 'boolean')
    return { pass: false, reason: `the judge gave no verdict (${text.slice(0, 120) || 'empty reply'})` };
  return { pass: parsed.pass, reason: typeof parsed.reason === 'string' ? parsed.reason : '' };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  const match = /\{[\s\S]*\}/.exec(text);
  try {
    return match ? (JSON.parse(match[0]) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A caller the model plays: each call gets the agent's last words and returns the caller's reply. */
export function personaCaller(model: LanguageModel, persona: string) {
  const messages: ChatMessage[] = [];
  return async (agentSaid: string): Promise<CallerLine | undefined> => {
    // The model plays the caller, so the agent's words are its "user" messages.
    messages.push({ role: 'user', content: agentSaid || '(silence)' });
    const { text } = await complete(model, {
      system:
        `You are a person on a phone call with a company's voice agent. Stay in character:\n${persona}\n\n` +
        'Reply with only what you say next, one or two short spoken sentences, no stage directions. ' +
        `When you are done or the agent has said goodbye, reply with exactly ${HANG_UP}.`,
      messages,
      tools: [],
      temperature: 0,
      maxOutputTokens: 200,
    });
    if (!text || text.toLowerCase().includes(HANG_UP)) return undefined;
    messages.push({ role: 'assistant', content: text });
    return text;
  };
}
