// The realtime model's session for one call, from the agent as every transport sees it: the
// instructions by the same prompt builder (with the past-call gist and, for a call that goes on, what
// was said so far), the agent's voice, the registry's tools (record_field, end_call, transfer, its
// HTTP and MCP tools), server-side turn detection and the caller's words transcribed.
import { DEFAULT_REALTIME_VOICE, realtimeModelOf } from '../../domain/realtime-settings.js';
import type { CallSession } from '../../engine/call-session.js';
import { buildPrompt } from '../../engine/prompt-builder.js';
import type { ToolSet } from '../../engine/tools/tool-catalog.js';
import type { RealtimeSessionConfig } from '../../ports/realtime-model.js';

const RESUME_NOTE =
  'The transcript so far is below; the call goes on from there. Do not greet the caller again.';

export function realtimeSessionConfig(
  session: CallSession,
  tools: ToolSet,
  options: { timezone: string; now?: Date },
): RealtimeSessionConfig {
  const { agent, call } = session;
  const prompt = buildPrompt(
    {
      agent,
      call,
      history: [...session.turns],
      pastCalls: call.past_calls ?? [],
      callerText: '',
      seq: session.nextSeq,
      now: options.now ?? new Date(),
      timezone: agent.timezone ?? options.timezone,
      signal: new AbortController().signal,
    },
    { canTransfer: agent.transfer_targets.length > 0, ownTools: tools.hasUserTools },
  );
  // The spoken history beyond the greeting, for a call that resumes on a new stream.
  const said = session.turns.filter((turn) => turn.seq > 0);
  const transcript = said.length
    ? [
        RESUME_NOTE,
        ...said.flatMap((turn) => [
          ...(turn.caller_text ? [`Caller: ${turn.caller_text}`] : []),
          `Agent: ${turn.agent_text}`,
        ]),
      ].join('\n')
    : '';
  const settings = realtimeModelOf(agent);
  return {
    instructions: [prompt.system, prompt.context, transcript].filter(Boolean).join('\n\n'),
    voice: settings.voice ?? DEFAULT_REALTIME_VOICE,
    tools: tools.specs,
    ...(settings.transcription_model ? { transcriptionModel: settings.transcription_model } : {}),
    language: agent.language,
  };
}

/** The greeting, said word for word as the first response. */
export function greetingInstructions(text: string): string {
  return `Greet the caller by saying exactly this, and nothing else: "${text}"`;
}

/** A line of the engine's own (a silence prompt, the closing line), said word for word. */
export function sayExactly(text: string): string {
  return `Say exactly this to the caller, and nothing else: "${text.trim()}"`;
}
