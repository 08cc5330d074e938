// Chat-completions streams send a tool call in pieces: the first delta of a call carries its index,
// id and name, later ones more of its JSON arguments. This puts them back together.
import type { ToolCall } from '../../ports/language-model.js';

export interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Pending {
  id?: string;
  name: string;
  arguments: string;
}

export class ToolCallAssembler {
  readonly #calls = new Map<string, Pending>();
  #last?: Pending;

  add(delta: ToolCallDelta): void {
    // OpenAI always sends the index; some compatible servers send only an id, or neither on a
    // continuation (which then belongs to the call in progress).
    const key = delta.index !== undefined ? `#${delta.index}` : delta.id ? `id:${delta.id}` : undefined;
    let call = key ? this.#calls.get(key) : this.#last;
    if (!call) {
      call = { name: '', arguments: '' };
      this.#calls.set(key ?? `#${this.#calls.size}`, call);
    }
    if (delta.id) call.id ??= delta.id;
    if (delta.function?.name) call.name ||= delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.#last = call;
  }

  /**
   * The finished calls to tools in `known`, in index order. A call whose arguments are not a JSON
   * object, or that names another tool, is dropped: the AI SDK marks such calls invalid.
   */
  finish(known: ReadonlySet<string>): ToolCall[] {
    const calls: ToolCall[] = [];
    for (const call of this.#calls.values()) {
      if (!known.has(call.name)) continue;
      const parsed = parseObject(call.arguments.trim() === '' ? '{}' : call.arguments);
      if (parsed) calls.push({ ...(call.id ? { id: call.id } : {}), name: call.name, arguments: parsed });
    }
    return calls;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
