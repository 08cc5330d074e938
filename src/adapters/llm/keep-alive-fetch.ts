import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';

// Node's global fetch added p99 ≈ 100 ms at 200 concurrent model streams here, against ≈ 30 ms for a
// client with a tuned pool (../shared/STACK.md). One pool per factory: keep-alive connections are
// reused across turns, and a cap per origin keeps a burst of calls from opening a socket each.
const POOL = {
  connections: 256, // per origin; a busy relay server streams one model reply per active call
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
  connect: { timeout: 5_000 },
  // Backstops only: each turn's own signal ends a slow request long before these.
  headersTimeout: 60_000,
  bodyTimeout: 60_000,
} as const;

export interface KeepAliveFetch {
  fetch: typeof globalThis.fetch;
  /** The pool itself, for clients that call undici directly (openai-chat-model.ts). */
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export function createKeepAliveFetch(): KeepAliveFetch {
  const dispatcher = new Agent(POOL);
  const fetchWithPool = (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>;
  return {
    fetch: fetchWithPool as typeof globalThis.fetch,
    dispatcher,
    close: () => dispatcher.close(),
  };
}
