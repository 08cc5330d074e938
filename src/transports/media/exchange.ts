// One exchange of a realtime call: a caller utterance (or keys pressed) and the model's reply to it,
// which may take several responses (function calls, then the spoken answer). It becomes one stored
// turn once the caller's transcript is in and the spoken reply is done, in whichever order.
import type { ToolCallRecord } from '../../domain/call.js';
import { noEffects, type ToolEffects } from '../../engine/tools/tool.js';
import type { CallerInput } from '../../engine/turn-decision.js';
import type { RealtimeUsage } from '../../ports/realtime-model.js';

/** How much of an agent item the caller heard when they talked over it. */
export interface AudioCut {
  itemId: string;
  playedMs: number;
  sentMs: number;
}

export class Exchange {
  /** The caller's words, once transcribed (keys pressed are known at once). */
  input: CallerInput | undefined;
  /** The transcript of the model's spoken reply so far. */
  text = '';
  /** The spoken reply is complete (its response is done). */
  replied = false;
  /** Handed to the turn runner (stored, or being stored). */
  handed = false;
  /** Where the caller cut the reply short (its transcript may come after): played and sent ms. */
  cut: AudioCut | undefined;
  readonly effects: ToolEffects = noEffects();
  readonly toolCalls: ToolCallRecord[] = [];
  /** Function calls of the current response, run when it is done. */
  readonly pendingCalls: { callId: string; name: string; arguments: string }[] = [];
  readonly usage: Required<RealtimeUsage> = {
    costMicroUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    inputTextTokens: 0,
    inputAudioTokens: 0,
    cachedInputTokens: 0,
    outputTextTokens: 0,
    outputAudioTokens: 0,
  };
  audioInMs = 0;
  audioOutMs = 0;
  /** performance.now() when the caller stopped speaking, and when the reply's first audio came. */
  endedAt: number | undefined;
  firstAudioAt: number | undefined;

  constructor(readonly callerItem: string | undefined) {}

  get ready(): boolean {
    return !this.handed && this.replied && this.input !== undefined;
  }

  addUsage(usage: RealtimeUsage): void {
    for (const key of Object.keys(this.usage) as (keyof RealtimeUsage)[]) this.usage[key] += usage[key] ?? 0;
  }
}
