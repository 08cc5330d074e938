// Counters and histograms for GET /metrics. Every method is a few in-memory number updates, cheap
// enough for the turn path.

export interface TurnObservation {
  agent: string;
  transport: string;
  /** Input received to reply out, less the model's wait (serverAddedMs of the turn's timeline). */
  serverAddedMs?: number;
  modelFirstTokenMs?: number;
  /** 'provider:model' that answered. */
  model?: string;
  /** A model failed this turn (the fallback may still have answered). */
  modelError?: boolean;
  /** The fallback model answered. */
  fallback?: boolean;
}

export interface ToolObservation {
  agent: string;
  transport: string;
  tool: string;
  ms: number;
  ok?: boolean;
}

export interface GreetingObservation {
  agent: string;
  transport: string;
  /** Answer webhook in to TwiML out (or the web call's greeting out). */
  ms: number;
}

export interface Metrics {
  observeTurn(turn: TurnObservation): void;
  observeTool(tool: ToolObservation): void;
  observeGreeting(greeting: GreetingObservation): void;
  /** A call was finalized (once per call). */
  callEnded(call: { outcome?: string; endedBy?: string }): void;
  /** A model's circuit changed state. */
  circuitChanged(change: { name: string; to: 'closed' | 'open' | 'half-open' }): void;
  /** The relay transport registers how to count its open sockets (read at scrape time). */
  registerRelaySockets(count: () => number): void;
}

export const noopMetrics: Metrics = Object.freeze({
  observeTurn: () => undefined,
  observeTool: () => undefined,
  observeGreeting: () => undefined,
  callEnded: () => undefined,
  circuitChanged: () => undefined,
  registerRelaySockets: () => undefined,
});
