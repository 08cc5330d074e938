// One connection of the fake realtime server: the OpenAI Realtime API's (GA) side of a call, scripted.
// It hears the caller with an energy VAD over the μ-law it is sent, turns each utterance into the next
// scripted transcription, and answers with scripted text and μ-law audio in timed deltas, or with
// function calls first. Events and fields as in the API reference (server events) and openai-node's
// src/resources/realtime/realtime.ts.
import type WebSocket from 'ws';
import { EnergyVad } from './energy-vad.js';

export interface AgentLine {
  text: string;
  /** μ-law, 8 kHz (the fixtures under test/fixtures/audio). */
  audio: Buffer;
}

export interface ToolCallScript {
  name: string;
  /** An object is JSON-encoded; a string is sent as is. */
  arguments: Record<string, unknown> | string;
}

export interface RealtimeTurnScript {
  /** The transcription of the caller's utterance (or the text item it answers). */
  heard: string;
  /** Called first; the reply follows the client's function outputs and response.create. */
  toolCalls?: ToolCallScript[];
  reply: AgentLine;
}

export interface DialogueScript {
  /** Answers the first response.create that comes before any caller turn. */
  greeting?: AgentLine;
  /** In order; a function is asked for each turn as it comes (a long scripted run need not be built up front). */
  turns?: RealtimeTurnScript[] | ((index: number) => RealtimeTurnScript | undefined);
  /** Used when the turns have run out. */
  fallbackReply?: AgentLine;
  /** Terminates the socket (no close frame) once this many caller turns are committed. */
  dropAfterCallerTurns?: number;
  /** Terminates the socket when a client event of this type arrives. */
  dropOn?: string;
  /** Every response fails with this error (response.done, status failed). */
  failResponses?: { type: string; code?: string; message: string };
  /** Never answers session.update. */
  ignoreSessionUpdate?: boolean;
  /**
   * On barge-in the response is cancelled after speech_started (the order the API reference gives);
   * true cancels it first, so the reply's response.done arrives before the caller's speech starts.
   */
  cancelBeforeSpeechStarted?: boolean;
  /** Agent audio per delta, bytes (default 1,600: 200 ms). */
  deltaBytes?: number;
  /** Time between deltas (default 5 ms: faster than real time, as the API sends). */
  deltaIntervalMs?: number;
}

interface ActiveResponse {
  id: string;
  itemId: string;
  line: AgentLine;
  sentBytes: number;
  sentWords: number;
  timer?: NodeJS.Timeout;
}

const words = (text: string) => text.split(/(?<=\s)/u);
let counter = 0;
const id = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;

export class FakeRealtimeDialogue {
  readonly received: Record<string, unknown>[] = [];
  readonly sent: Record<string, unknown>[] = [];
  session: Record<string, unknown>;
  callerTurns = 0;
  closed = false;
  readonly #vad = new EnergyVad();
  #turnIndex = 0;
  #greeted = false;
  #active: ActiveResponse | undefined;
  #awaitingTools: RealtimeTurnScript | undefined;
  #pendingText: RealtimeTurnScript | undefined;
  #speechItem = '';
  #callerAudioMs = 0;
  /** Assistant items by id: how much of their audio was sent (ms), for truncate's bound. */
  readonly #agentItems = new Map<string, number>();

  constructor(
    private readonly socket: WebSocket,
    readonly model: string | null,
    private readonly script: DialogueScript,
    private readonly observe?: (event: Record<string, unknown>) => void,
    /** Keep every event in `received` and `sent` (tests assert on them; a long benchmark need not). */
    private readonly record = true,
  ) {
    this.session = {
      type: 'realtime',
      object: 'realtime.session',
      id: id('sess'),
      model,
      output_modalities: ['audio'],
      instructions: '',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' },
      },
      tools: [],
      tool_choice: 'auto',
    };
    socket.on('message', (data) => this.#receive(data.toString()));
    socket.on('close', () => {
      this.closed = true;
      this.#stop();
    });
    this.#send({ type: 'session.created', session: this.session });
  }

  #send(event: Record<string, unknown>): void {
    if (this.closed) return;
    const full = { event_id: id('event'), ...event };
    if (this.record) this.sent.push(full);
    this.observe?.(full);
    this.socket.send(JSON.stringify(full));
  }

  #drop(): void {
    this.closed = true;
    this.#stop();
    this.socket.terminate();
  }

  #receive(raw: string): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.#send({
        type: 'error',
        error: { type: 'invalid_request_error', code: 'invalid_json', message: 'Invalid JSON' },
      });
    }
    if (this.record) this.received.push(event);
    if (this.script.dropOn === event.type) return this.#drop();
    switch (event.type) {
      case 'session.update':
        return this.#update(event.session);
      case 'input_audio_buffer.append':
        return this.#hear(String(event.audio ?? ''));
      case 'conversation.item.create':
        return this.#item(event.item as Record<string, unknown>);
      case 'response.create':
        return this.#respond();
      case 'response.cancel':
        if (this.#active) return this.#cancel('client_cancelled');
        return this.#error('response_cancel_not_active', 'Cancellation failed: no active response found');
      case 'conversation.item.truncate':
        return this.#truncate(event);
      default:
        return this.#error('invalid_value', `Invalid value: '${String(event.type).slice(0, 40)}'`);
    }
  }

  #error(code: string, message: string): void {
    this.#send({ type: 'error', error: { type: 'invalid_request_error', code, message } });
  }

  #update(update: unknown): void {
    if (this.script.ignoreSessionUpdate) return;
    const patch = (update ?? {}) as Record<string, unknown>;
    const audio = (patch.audio ?? {}) as Record<string, Record<string, unknown>>;
    const current = this.session.audio as Record<string, Record<string, unknown>>;
    this.session = {
      ...this.session,
      ...patch,
      audio: { input: { ...current.input, ...audio.input }, output: { ...current.output, ...audio.output } },
    };
    const silence = (
      (this.session.audio as typeof current).input!.turn_detection as { silence_duration_ms?: number }
    )?.silence_duration_ms;
    if (typeof silence === 'number') this.#vad.setSilenceMs(silence);
    this.#send({ type: 'session.updated', session: this.session });
  }

  #turnDetection(): { create_response?: boolean; interrupt_response?: boolean } {
    const input = (this.session.audio as Record<string, Record<string, unknown>>).input ?? {};
    return (input.turn_detection ?? {}) as { create_response?: boolean; interrupt_response?: boolean };
  }

  #hear(audio: string): void {
    const bytes = Buffer.from(audio, 'base64');
    this.#callerAudioMs += bytes.length / 8;
    for (const event of this.#vad.push(bytes)) {
      if (event.type === 'start') {
        this.#speechItem = id('item');
        const interrupt = this.#active && this.#turnDetection().interrupt_response !== false;
        const cancelFirst = this.script.cancelBeforeSpeechStarted === true;
        if (interrupt && cancelFirst) this.#cancel('turn_detected');
        this.#send({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: event.atMs,
          item_id: this.#speechItem,
        });
        if (interrupt && !cancelFirst) this.#cancel('turn_detected');
      } else this.#utterance(event.atMs);
    }
  }

  #utterance(audioEndMs: number): void {
    const itemId = this.#speechItem;
    this.#send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioEndMs, item_id: itemId });
    this.#send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
    const item = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.#send({ type: 'conversation.item.added', item, previous_item_id: null });
    this.#send({ type: 'conversation.item.done', item, previous_item_id: null });
    this.callerTurns += 1;
    const turn = this.#nextTurn();
    if (this.script.dropAfterCallerTurns === this.callerTurns) return this.#drop();
    this.#send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: turn?.heard ?? '',
      usage: { type: 'duration', seconds: Math.ceil(audioEndMs / 1000) },
    });
    if (this.#turnDetection().create_response !== false) this.#startTurn(turn);
  }

  #nextTurn(): RealtimeTurnScript | undefined {
    const { turns } = this.script;
    const index = this.#turnIndex++;
    return typeof turns === 'function' ? turns(index) : turns?.[index];
  }

  #item(item: Record<string, unknown> | undefined): void {
    const itemId = String(item?.id ?? id('item'));
    this.#send({ type: 'conversation.item.added', item: { ...item, id: itemId }, previous_item_id: null });
    this.#send({ type: 'conversation.item.done', item: { ...item, id: itemId }, previous_item_id: null });
    // Caller text (keypad digits as words) is a turn of its own, answered at the next response.create.
    if (item?.type === 'message' && item.role === 'user')
      this.#pendingText = this.#nextTurn() ?? { heard: '', reply: this.#fallback() };
  }

  #fallback(): AgentLine {
    return (
      this.script.fallbackReply ?? {
        text: 'Sorry, could you say that again?',
        audio: Buffer.alloc(1_600, 0xff),
      }
    );
  }

  #respond(): void {
    if (this.#active)
      return this.#error(
        'conversation_already_has_active_response',
        'Conversation already has an active response',
      );
    if (this.#awaitingTools) {
      const turn = this.#awaitingTools;
      this.#awaitingTools = undefined;
      return this.#speak(turn.reply);
    }
    if (this.#pendingText) {
      const turn = this.#pendingText;
      this.#pendingText = undefined;
      return this.#startTurn(turn);
    }
    if (!this.#greeted && this.callerTurns === 0 && this.script.greeting) {
      this.#greeted = true;
      return this.#speak(this.script.greeting);
    }
    this.#speak(this.#fallback());
  }

  #startTurn(turn: RealtimeTurnScript | undefined): void {
    if (!turn) return this.#speak(this.#fallback());
    if (turn.toolCalls?.length) return this.#callTools(turn);
    this.#speak(turn.reply);
  }

  #responseCreated(responseId: string): boolean {
    this.#send({
      type: 'response.created',
      response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] },
    });
    const failure = this.script.failResponses;
    if (!failure) return true;
    this.#send({
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'failed',
        status_details: { type: 'failed', error: failure },
        output: [],
        usage: this.#usage(0, 0),
      },
    });
    return false;
  }

  #callTools(turn: RealtimeTurnScript): void {
    const responseId = id('resp');
    if (!this.#responseCreated(responseId)) return;
    const output = (turn.toolCalls ?? []).map((call, index) => {
      const itemId = id('item');
      const callId = id('call');
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      const item = {
        id: itemId,
        object: 'realtime.item',
        type: 'function_call',
        status: 'completed',
        name: call.name,
        call_id: callId,
        arguments: args,
      };
      this.#send({
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      this.#send({
        type: 'response.function_call_arguments.delta',
        response_id: responseId,
        item_id: itemId,
        output_index: index,
        call_id: callId,
        delta: args,
      });
      this.#send({
        type: 'response.function_call_arguments.done',
        response_id: responseId,
        item_id: itemId,
        output_index: index,
        call_id: callId,
        name: call.name,
        arguments: args,
      });
      this.#send({ type: 'response.output_item.done', response_id: responseId, output_index: index, item });
      return item;
    });
    this.#awaitingTools = turn;
    this.#send({
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output,
        usage: this.#usage(0, 0),
      },
    });
  }

  #speak(line: AgentLine): void {
    const responseId = id('resp');
    if (!this.#responseCreated(responseId)) return;
    const itemId = id('item');
    const item = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    this.#send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
    this.#send({ type: 'conversation.item.added', item, previous_item_id: null });
    this.#send({
      type: 'response.content_part.added',
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'audio', transcript: '' },
    });
    this.#agentItems.set(itemId, 0);
    this.#active = { id: responseId, itemId, line, sentBytes: 0, sentWords: 0 };
    this.#tick();
  }

  #tick(): void {
    const active = this.#active;
    if (!active || this.closed) return;
    const { line } = active;
    const size = this.script.deltaBytes ?? 1_600;
    const chunk = line.audio.subarray(active.sentBytes, active.sentBytes + size);
    const base = { response_id: active.id, item_id: active.itemId, output_index: 0, content_index: 0 };
    if (chunk.length > 0) {
      active.sentBytes += chunk.length;
      this.#agentItems.set(active.itemId, active.sentBytes / 8);
      this.#send({ type: 'response.output_audio.delta', ...base, delta: chunk.toString('base64') });
      const all = words(line.text);
      const due = Math.ceil((all.length * active.sentBytes) / Math.max(1, line.audio.length));
      if (due > active.sentWords) {
        this.#send({
          type: 'response.output_audio_transcript.delta',
          ...base,
          delta: all.slice(active.sentWords, due).join(''),
        });
        active.sentWords = due;
      }
      active.timer = setTimeout(() => this.#tick(), this.script.deltaIntervalMs ?? 5);
      return;
    }
    this.#finish('completed');
  }

  #cancel(reason: 'turn_detected' | 'client_cancelled'): void {
    this.#finish('cancelled', reason);
  }

  #finish(status: 'completed' | 'cancelled', reason?: string): void {
    const active = this.#active;
    if (!active) return;
    this.#active = undefined;
    clearTimeout(active.timer);
    const base = { response_id: active.id, item_id: active.itemId, output_index: 0, content_index: 0 };
    const transcript = words(active.line.text).slice(0, active.sentWords).join('').trim();
    this.#send({ type: 'response.output_audio.done', ...base });
    this.#send({ type: 'response.output_audio_transcript.done', ...base, transcript });
    const item = {
      id: active.itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: status === 'completed' ? 'completed' : 'incomplete',
      content: [{ type: 'output_audio', transcript }],
    };
    this.#send({ type: 'response.content_part.done', ...base, part: { type: 'audio', transcript } });
    this.#send({ type: 'response.output_item.done', response_id: active.id, output_index: 0, item });
    this.#send({ type: 'conversation.item.done', item, previous_item_id: null });
    this.#send({
      type: 'response.done',
      response: {
        id: active.id,
        object: 'realtime.response',
        status,
        status_details: status === 'completed' ? null : { type: status, reason },
        output: [item],
        usage: this.#usage(active.sentBytes / 8, active.sentWords),
      },
    });
  }

  #truncate(event: Record<string, unknown>): void {
    const itemId = String(event.item_id ?? '');
    const audioEndMs = Number(event.audio_end_ms);
    const sentMs = this.#agentItems.get(itemId);
    if (sentMs === undefined)
      return this.#error('item_not_found', `Item with item_id not found: ${itemId.slice(0, 40)}`);
    // "If the audio_end_ms is greater than the actual audio duration, the server will respond with an error."
    if (!(audioEndMs >= 0) || audioEndMs > sentMs)
      return this.#error('invalid_value', 'audio_end_ms is greater than the audio duration');
    this.#send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: audioEndMs,
    });
  }

  // The fake's own arithmetic, not OpenAI's rates: 10 input audio tokens per second of caller audio,
  // 20 output audio tokens per second of agent audio, a token per word of transcript.
  #usage(agentAudioMs: number, agentWords: number): Record<string, unknown> {
    const inputAudio = Math.round(this.#callerAudioMs / 100);
    const inputText = Math.ceil(String(this.session.instructions ?? '').length / 4);
    const outputAudio = Math.round(agentAudioMs / 50);
    return {
      total_tokens: inputAudio + inputText + outputAudio + agentWords,
      input_tokens: inputAudio + inputText,
      output_tokens: outputAudio + agentWords,
      input_token_details: {
        text_tokens: inputText,
        audio_tokens: inputAudio,
        cached_tokens: 0,
        image_tokens: 0,
      },
      output_token_details: { text_tokens: agentWords, audio_tokens: outputAudio },
    };
  }

  #stop(): void {
    if (this.#active) clearTimeout(this.#active.timer);
    this.#active = undefined;
  }
}
