// GET /metrics in Prometheus' text format, through prom-client on a registry of our own (never the
// global one, so two apps in one process never share counts). Times are exported in seconds, as
// Prometheus names them. Gauges that need a store query are read at scrape time, cached.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GreetingObservation, Metrics, ToolObservation, TurnObservation } from '../../ports/metrics.js';
import { cachedRead } from './cached-read.js';

export interface MetricsSources {
  /** Calls in progress, store-wide (every instance reports the same figure). */
  activeCalls?: () => Promise<number>;
  /** Webhook delivery jobs by status (pending, sending). */
  webhookJobs?: () => Promise<Record<string, number>>;
  /** Recording copy jobs by status (pending, copying). */
  recordingJobs?: () => Promise<Record<string, number>>;
  /** This process's event-loop delay, in ms. */
  eventLoop?: () => { p99_ms: number; max_ms: number };
}

export interface PrometheusMetricsOptions {
  sources?: MetricsSources;
  /** How long a store-backed gauge's reading is reused (default 5 s). */
  cacheMs?: number;
  onSourceError?: (error: unknown) => void;
}

const PREFIX = 'voice_agent_';
// Seconds. A turn's own work is tens of ms; the model's first token hundreds; tools and greetings between.
const SERVER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const MODEL_BUCKETS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8];
const TOOL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
const GREETING_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

const seconds = (ms: number) => ms / 1_000;
const orNone = (value: string | undefined) => value ?? 'none';

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  #relaySockets: (() => number) | undefined;
  readonly #turnServer: Histogram<'agent' | 'transport'>;
  readonly #turnModel: Histogram<'agent' | 'transport'>;
  readonly #tool: Histogram<'agent' | 'transport' | 'tool' | 'ok'>;
  readonly #greeting: Histogram<'agent' | 'transport'>;
  readonly #turns: Counter<'agent' | 'transport'>;
  readonly #calls: Counter<'outcome' | 'ended_by'>;
  readonly #modelErrors: Counter<'model'>;
  readonly #fallbacks: Counter<'model'>;
  readonly #circuitOpens: Counter<'model'>;
  readonly #circuitOpen: Gauge<'model'>;

  constructor(options: PrometheusMetricsOptions = {}) {
    const registers = [this.registry];
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name: PREFIX + name, help, labelNames, buckets, registers });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name: PREFIX + name, help, labelNames, registers });

    this.#turnServer = histogram(
      'turn_server_added_seconds',
      'Time this server added to a turn: input received to reply out, less the wait for the model.',
      ['agent', 'transport'],
      SERVER_BUCKETS,
    );
    this.#turnModel = histogram(
      'model_first_token_seconds',
      "Model request to the model's first token.",
      ['agent', 'transport'],
      MODEL_BUCKETS,
    );
    this.#tool = histogram(
      'tool_seconds',
      'Tool call time.',
      ['agent', 'transport', 'tool', 'ok'],
      TOOL_BUCKETS,
    );
    this.#greeting = histogram(
      'greeting_seconds',
      'Answer webhook in to greeting out.',
      ['agent', 'transport'],
      GREETING_BUCKETS,
    );
    this.#turns = counter('turns_total', 'Turns answered.', ['agent', 'transport']);
    this.#calls = counter('calls_ended_total', 'Calls finalized, by outcome and who ended them.', [
      'outcome',
      'ended_by',
    ]);
    this.#modelErrors = counter('model_errors_total', 'Turns on which a model failed.', ['model']);
    this.#fallbacks = counter('model_fallbacks_total', 'Turns the fallback model answered.', ['model']);
    this.#circuitOpens = counter('model_circuit_opens_total', "Times a model's circuit opened.", ['model']);
    this.#circuitOpen = new Gauge({
      name: `${PREFIX}model_circuit_open`,
      help: "1 while a model's circuit is open or half-open (its turns skip it), else 0.",
      labelNames: ['model'],
      registers,
    });
    this.#sourceGauges(options);
  }

  #sourceGauges(options: PrometheusMetricsOptions): void {
    const { sources = {}, cacheMs = 5_000, onSourceError } = options;
    const registers = [this.registry];
    const cached = <T>(load: (() => Promise<T>) | undefined) =>
      load ? cachedRead(load, cacheMs, { onError: onSourceError }) : undefined;
    const activeCalls = cached(sources.activeCalls);
    const webhookJobs = cached(sources.webhookJobs);
    const recordingJobs = cached(sources.recordingJobs);
    const relaySockets = () => this.#relaySockets?.();

    new Gauge({
      name: `${PREFIX}active_calls`,
      help: 'Calls in progress (from the store: every instance reports the same figure).',
      registers,
      async collect() {
        const count = await activeCalls?.();
        if (count !== undefined) this.set(count);
      },
    });
    new Gauge({
      name: `${PREFIX}relay_sockets`,
      help: 'ConversationRelay sockets open on this instance.',
      registers,
      collect() {
        this.set(relaySockets() ?? 0);
      },
    });
    const backlog = (
      name: string,
      help: string,
      read: (() => Promise<Record<string, number> | undefined>) | undefined,
    ) =>
      new Gauge({
        name: PREFIX + name,
        help,
        labelNames: ['status'],
        registers,
        async collect() {
          for (const [status, count] of Object.entries((await read?.()) ?? {})) this.set({ status }, count);
        },
      });
    backlog('webhook_jobs', 'Webhook deliveries waiting or being sent (capped at 10000).', webhookJobs);
    backlog('recording_jobs', 'Recording copies waiting or running (capped at 10000).', recordingJobs);
    const eventLoop = sources.eventLoop;
    new Gauge({
      name: `${PREFIX}event_loop_delay_seconds`,
      help: "This process's event-loop delay over the last 10 s window and the current one.",
      labelNames: ['quantile'],
      registers,
      collect() {
        const delay = eventLoop?.();
        if (!delay) return;
        this.set({ quantile: '0.99' }, seconds(delay.p99_ms));
        this.set({ quantile: '1' }, seconds(delay.max_ms));
      },
    });
  }

  observeTurn(turn: TurnObservation): void {
    const labels = { agent: turn.agent, transport: turn.transport };
    this.#turns.inc(labels);
    if (turn.serverAddedMs !== undefined) this.#turnServer.observe(labels, seconds(turn.serverAddedMs));
    if (turn.modelFirstTokenMs !== undefined)
      this.#turnModel.observe(labels, seconds(turn.modelFirstTokenMs));
    if (turn.modelError) this.#modelErrors.inc({ model: orNone(turn.model) });
    if (turn.fallback) this.#fallbacks.inc({ model: orNone(turn.model) });
  }

  observeTool(tool: ToolObservation): void {
    this.#tool.observe(
      { agent: tool.agent, transport: tool.transport, tool: tool.tool, ok: String(tool.ok ?? true) },
      seconds(tool.ms),
    );
  }

  observeGreeting(greeting: GreetingObservation): void {
    this.#greeting.observe({ agent: greeting.agent, transport: greeting.transport }, seconds(greeting.ms));
  }

  callEnded(call: { outcome?: string; endedBy?: string }): void {
    this.#calls.inc({ outcome: orNone(call.outcome), ended_by: orNone(call.endedBy) });
  }

  circuitChanged(change: { name: string; to: 'closed' | 'open' | 'half-open' }): void {
    if (change.to === 'open') this.#circuitOpens.inc({ model: change.name });
    this.#circuitOpen.set({ model: change.name }, change.to === 'closed' ? 0 : 1);
  }

  registerRelaySockets(count: () => number): void {
    this.#relaySockets = count;
  }

  /** The text exposition and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
