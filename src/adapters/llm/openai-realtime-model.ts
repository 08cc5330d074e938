// The OpenAI Realtime API over a WebSocket (GA interface, gpt-realtime): one socket per call, opened
// with the API key in the Authorization header (never in the URL, a log or an error), configured
// with session.update and ready once session.updated comes back. Every server message is parsed once
// (JSON.parse) and mapped by openai-realtime-events.ts; audio stays the base64 it came as.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { AppError } from '../../domain/errors.js';
import type {
  RealtimeEventHandler,
  RealtimeModel,
  RealtimeSession,
  RealtimeSessionConfig,
} from '../../ports/realtime-model.js';
import { httpModelError, isRetryableStatus, redactSecrets } from './model-error.js';
import { realtimeCostMicroUsd } from './pricing.js';
import { REALTIME_LABEL, realtimeError, toRealtimeEvent } from './openai-realtime-events.js';
import {
  RESPONSE_CANCEL,
  appendAudioMessage,
  functionOutputItem,
  responseCreate,
  sessionUpdate,
  truncateItem,
  userTextItem,
} from './openai-realtime-messages.js';

export const OPENAI_REALTIME_URL = 'wss://api.openai.com/v1/realtime';

export interface OpenAiRealtimeOptions {
  apiKey: string;
  model: string;
  /** The Realtime endpoint without a query (the model is added as ?model=). */
  url?: string;
  /** Time allowed from connecting to the session taking its configuration. */
  openTimeoutMs?: number;
}

// A session.updated echoes the instructions and tools; an audio delta is a few KB.
const MAX_SERVER_MESSAGE_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 2_048;
const DEFAULT_OPEN_TIMEOUT_MS = 5_000;

class OpenAiRealtimeSession implements RealtimeSession {
  readonly provider = 'openai';
  #closedByUs = false;
  #closed = false;

  constructor(
    readonly model: string,
    private readonly socket: WebSocket,
    private readonly secrets: readonly string[],
    private readonly onEvent: RealtimeEventHandler,
  ) {}

  /** Takes over the socket once the session is configured. */
  attach(): void {
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return; // not JSON: nothing in it can be acted on
      }
      if (typeof message !== 'object' || message === null) return;
      const event = toRealtimeEvent(message as Record<string, unknown>, this.secrets);
      if (event?.type === 'response-done' && event.usage)
        event.usage.costMicroUsd = realtimeCostMicroUsd(this.model, event.usage);
      if (event) this.onEvent(event);
    });
    this.socket.on('close', (code, reason) => {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#closedByUs) return this.onEvent({ type: 'closed' });
      const why = redactSecrets(reason.toString('utf8'), this.secrets).slice(0, 120);
      this.onEvent({
        type: 'closed',
        error: new AppError(
          'unavailable',
          `${REALTIME_LABEL}: socket closed (${code})${why ? `: ${why}` : ''}`,
          {
            retryable: true,
          },
        ),
      });
    });
  }

  #send(message: string | Record<string, unknown>): void {
    if (this.socket.readyState !== WebSocket.OPEN) return; // a `closed` event tells the caller
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  appendAudio(audio: string): void {
    this.#send(appendAudioMessage(audio));
  }

  sendText(text: string): void {
    this.#send(userTextItem(text));
    this.#send(responseCreate());
  }

  sendFunctionResult(callId: string, output: string, options: { respond?: boolean } = {}): void {
    this.#send(functionOutputItem(callId, output));
    if (options.respond ?? true) this.#send(responseCreate());
  }

  respond(options: { instructions?: string } = {}): void {
    this.#send(responseCreate(options.instructions));
  }

  truncate(itemId: string, audioEndMs: number): void {
    this.#send(truncateItem(itemId, audioEndMs));
  }

  cancel(): void {
    this.#send(RESPONSE_CANCEL);
  }

  close(): void {
    this.#closedByUs = true;
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN)
      this.socket.close(1000, 'call ended');
  }
}

/** The handshake was answered with an HTTP error (401 bad key, 429 rate limit, 5xx…). */
function handshakeError(response: IncomingMessage, secrets: readonly string[]): Promise<AppError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      const status = response.statusCode ?? 0;
      let message = Buffer.concat(chunks).toString('utf8');
      try {
        // {"error": {"message": …}} as the API answers.
        const parsed = JSON.parse(message) as { error?: { message?: unknown } };
        if (typeof parsed.error?.message === 'string') message = parsed.error.message;
      } catch {
        // a plain-text or empty body: the status says enough
      }
      const retryAfter = response.headers['retry-after'];
      resolve(
        httpModelError(REALTIME_LABEL, secrets, {
          status,
          message,
          retryable: isRetryableStatus(status),
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        }),
      );
    };
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    response.once('end', done);
    response.once('error', done);
  });
}

export class OpenAiRealtimeModel implements RealtimeModel {
  readonly provider = 'openai';
  readonly model: string;

  constructor(private readonly options: OpenAiRealtimeOptions) {
    this.model = options.model;
  }

  open(config: RealtimeSessionConfig, onEvent: RealtimeEventHandler): Promise<RealtimeSession> {
    const { apiKey, model } = this.options;
    const secrets = [apiKey];
    const url = `${(this.options.url ?? OPENAI_REALTIME_URL).replace(/\/+$/, '')}?model=${encodeURIComponent(model)}`;
    const timeoutMs = this.options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${apiKey}` },
      handshakeTimeout: timeoutMs,
      maxPayload: MAX_SERVER_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
    const session = new OpenAiRealtimeSession(model, socket, secrets, onEvent);
    return new Promise<RealtimeSession>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        socket.off('message', onSetupMessage);
        socket.off('close', onSetupClose);
      };
      const fail = (error: AppError) => {
        if (settled) return;
        settle();
        socket.terminate();
        reject(error);
      };
      const onSetupMessage = (data: WebSocket.RawData) => {
        let message: { type?: unknown; error?: unknown };
        try {
          message = JSON.parse(data.toString()) as typeof message;
        } catch {
          return;
        }
        if (message.type === 'error') return fail(realtimeError(message.error, secrets));
        if (message.type !== 'session.updated' || settled) return;
        settle();
        session.attach();
        resolve(session);
      };
      const onSetupClose = (code: number) =>
        fail(
          new AppError(
            'unavailable',
            `${REALTIME_LABEL}: socket closed (${code}) before the session was ready`,
            {
              retryable: true,
            },
          ),
        );
      const timer = setTimeout(
        () =>
          fail(
            new AppError('unavailable', `${REALTIME_LABEL}: no session within ${timeoutMs} ms`, {
              retryable: true,
            }),
          ),
        timeoutMs,
      );
      // After the session is up, a socket error is followed by `close`, which the session reports.
      socket.on('error', (error: Error & { code?: string }) => {
        const reason = redactSecrets(error.code ?? error.message, secrets).slice(0, 120);
        fail(
          new AppError('unavailable', `${REALTIME_LABEL}: connection failed: ${reason}`, {
            retryable: true,
            cause: error,
          }),
        );
      });
      socket.once('unexpected-response', (request, response) => {
        void handshakeError(response, secrets).then(fail);
        request.destroy();
      });
      socket.once('open', () => socket.send(JSON.stringify(sessionUpdate(config))));
      socket.on('close', onSetupClose);
      socket.on('message', onSetupMessage);
    });
  }
}
