// The engine's own lines on a realtime call (a silence prompt, the closing line at the time limit, an
// apology): the turn runner speaks them in parts through `speak` and ends them with `replied`; the
// model then says the whole line word for word, in a response of its own that answers no exchange.
import type { RealtimeSession } from '../../ports/realtime-model.js';
import { sayExactly } from './realtime-session-config.js';

export class EngineLines {
  #text = '';
  /** A line was given to the model and its response is not done yet. */
  pending = false;

  collect(text: string): void {
    this.#text += text;
  }

  /** The line is complete: the model says it (nothing when there is no line or no model). */
  say(model: RealtimeSession | undefined): void {
    const line = this.#text.trim();
    this.#text = '';
    if (!line || !model) return;
    this.pending = true;
    model.respond({ instructions: sayExactly(line) });
  }
}
