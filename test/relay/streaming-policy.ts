// A test ReplyPolicy that streams its reply word by word with a delay, like a model, and records every
// call it receives (including the AbortSignal, so a test can see that a barge-in reached it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { EndedBy } from '../../src/domain/call.js';
import type { ReplyPolicy, TurnContext, TurnStream } from '../../src/ports/reply-policy.js';
import { TextQueue } from '../../src/engine/text-queue.js';

export interface PlannedReply {
  text: string;
  end?: EndedBy;
  transferTo?: string;
}

export interface RecordedPolicyCall {
  callerText: string;
  seq: number;
  signal: AbortSignal;
  wordsSent: number;
  /** Date.now() when each word was handed to the engine. */
  wordTimes: number[];
  finished: boolean;
}

export class StreamingTestPolicy implements ReplyPolicy {
  readonly name = 'test:streaming';
  readonly calls: RecordedPolicyCall[] = [];

  constructor(
    private readonly plan: (callerText: string, context: TurnContext) => PlannedReply,
    private readonly wordDelayMs = 15,
  ) {}

  respond(context: TurnContext): TurnStream {
    const planned = this.plan(context.callerText, context);
    const record: RecordedPolicyCall = {
      callerText: context.callerText,
      seq: context.seq,
      signal: context.signal,
      wordsSent: 0,
      wordTimes: [],
      finished: false,
    };
    this.calls.push(record);
    const queue = new TextQueue();
    // Words keep their trailing space, so the pieces concatenate back to the text.
    const words = planned.text.match(/\S+\s*/gu) ?? [];
    const reply = (async () => {
      try {
        for (const word of words) {
          await sleep(this.wordDelayMs, undefined, { signal: context.signal });
          record.wordTimes.push(Date.now());
          queue.push(word);
          record.wordsSent += 1;
        }
        record.finished = true;
      } catch {
        // aborted: the engine keeps what was streamed
      } finally {
        queue.close();
      }
      return {
        text: planned.text,
        extracted: {},
        ...(planned.end ? { end: planned.end } : {}),
        ...(planned.transferTo ? { transferTo: planned.transferTo } : {}),
      };
    })();
    return { textStream: queue, reply };
  }
}
