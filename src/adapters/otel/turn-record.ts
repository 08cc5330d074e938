// What a stored turn tells its span: figures and names, never the words said. The model request
// and tool calls become child spans placed on the turn's timeline.
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Turn } from '../../domain/call.js';
import { serverAddedMs } from '../../engine/turn-timeline.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TURN_KIND,
  ATTR_TURN_LATENCY_MS,
  ATTR_TURN_SERVER_ADDED_MS,
} from './attributes.js';

export interface RecordedSpan {
  name: string;
  kind: SpanKind;
  /** Epoch ms. */
  start: number;
  end: number;
  attributes: Attributes;
  error?: string;
}

const MARKS = ['model_request', 'first_token', 'first_text_out', 'model_done', 'stored'] as const;

export function turnAttributes(turn: Turn): Attributes {
  const added = turn.timeline ? serverAddedMs(turn.timeline) : undefined;
  const attributes: Attributes = {
    [ATTR_TURN_KIND]: turn.kind,
    [ATTR_TURN_LATENCY_MS]: turn.latency_ms,
  };
  if (added !== undefined) attributes[ATTR_TURN_SERVER_ADDED_MS] = added;
  if (turn.interrupted) attributes['voice_agent.turn.interrupted'] = true;
  if (turn.ends_call) attributes['voice_agent.turn.ends_call'] = turn.ends_call;
  return attributes;
}

/** The timeline's moments and Twilio's reports as span events, at epoch ms. */
export function turnEvents(turn: Turn, startMs: number): { name: string; at: number }[] {
  const timeline = turn.timeline;
  if (!timeline) return [];
  const events: { name: string; at: number }[] = [];
  for (const mark of MARKS) {
    const at = timeline[mark];
    if (at !== undefined) events.push({ name: mark, at: startMs + at });
  }
  for (const moment of timeline.twilio ?? []) {
    events.push({ name: `twilio.${moment.name}`, at: startMs + moment.at });
  }
  return events.sort((a, b) => a.at - b.at);
}

function modelSpan(turn: Turn, startMs: number): RecordedSpan | undefined {
  const timeline = turn.timeline;
  if (!timeline || timeline.model_request === undefined || !turn.model) return undefined;
  const [provider = turn.model, ...rest] = turn.model.split(':');
  const model = rest.join(':') || turn.model;
  const end = timeline.model_done ?? timeline.first_text_out ?? timeline.stored ?? timeline.model_request;
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR_GEN_AI_PROVIDER_NAME]: provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
  };
  if (turn.input_tokens !== undefined) attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = turn.input_tokens;
  if (turn.output_tokens !== undefined) attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = turn.output_tokens;
  return {
    name: `chat ${model}`,
    kind: SpanKind.CLIENT,
    start: startMs + timeline.model_request,
    end: startMs + Math.max(end, timeline.model_request),
    attributes,
    ...(turn.model_error ? { error: turn.model_error } : {}),
  };
}

/** Spans for the model request and each tool call the turn's timeline holds. */
export function turnChildSpans(turn: Turn, startMs: number): RecordedSpan[] {
  const spans: RecordedSpan[] = [];
  const model = modelSpan(turn, startMs);
  if (model) spans.push(model);
  for (const tool of turn.timeline?.tools ?? []) {
    spans.push({
      name: `execute_tool ${tool.name}`,
      kind: SpanKind.INTERNAL,
      start: startMs + tool.start,
      end: startMs + Math.max(tool.start, tool.end),
      attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR_GEN_AI_TOOL_NAME]: tool.name },
      ...(tool.ok === false ? { error: 'tool failed' } : {}),
    });
  }
  return spans;
}
