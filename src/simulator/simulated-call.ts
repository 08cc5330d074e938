// One simulated phone call: runs the TwiML our server returns the way Twilio would, records what
// the caller hears, and lets a test (or the CLI) speak, stay silent, hang up or resend.
import type { FormParams } from '../adapters/twilio/signature.js';
import { parseTwiml, type GatherVerb, type PromptVerb, type TwimlVerb } from './twiml-parser.js';
import { keysTwilioPosts } from './gather-keys.js';
import {
  inboundAnswerParams,
  statusCallbackParams,
  voiceParams,
  type CallIdentity,
  type StatusEvent,
} from './twilio-params.js';
import { SimulatorError, type SentWebhook, type WebhookResult } from './webhook-sender.js';
import { mediaStreamFor, type MediaStreamSession } from './media-stream-session.js';
import { relaySessionFor, type RelaySession } from './relay-session.js';
import {
  APPLICATION_ERROR_TEXT,
  type ApplicationError,
  type CallContext,
  type CallState,
  type EndReason,
  type Exchange,
  type RecordingRequest,
  type ScriptLine,
  type TranscriptEntry,
} from './call-types.js';
import { applicationError, runScript } from './run-script.js';
import { recordingCallbackParams, type RecordingCallbackOptions } from './recording-callback.js';

export * from './call-types.js';

const MAX_REDIRECTS_WITHOUT_INPUT = 20;

export class SimulatedCall {
  state: CallState = 'ringing';
  endReason?: EndReason;
  finalStatus?: string;
  readonly transcript: TranscriptEntry[] = [];
  readonly exchanges: Exchange[] = [];
  readonly applicationErrors: ApplicationError[] = [];
  /** Verbs the simulator does not act on (they are skipped). */
  readonly unsupported: string[] = [];
  /** Recordings the call asked for (REST Record, <Start><Recording>): only these get callbacks. */
  readonly recordingRequests: RecordingRequest[] = [];
  pendingGather?: GatherVerb;
  relay?: RelaySession;
  /** The Media Stream a <Connect><Stream> opens (connect to it with connectMediaStream). */
  stream?: MediaStreamSession;
  transfer?: Extract<TwimlVerb, { verb: 'dial' }>;
  private remaining: TwimlVerb[] = [];
  private documentUrl = '';
  private answeredAt?: number;
  private sequenceNumber = 0;
  private lastSent?: SentWebhook;
  private redirects = 0;

  constructor(
    readonly identity: CallIdentity,
    private readonly context: CallContext,
  ) {
    const record = context.record;
    if (record) {
      this.recordingRequests.push({
        source: 'OutboundAPI',
        statusCallbackUrl: record.statusCallbackUrl,
        statusCallbackMethod: (record.statusCallbackMethod ?? 'POST').toUpperCase(),
        events: record.events ?? ['completed'],
        channels: record.channels === 'dual' ? 2 : 1,
        track: record.track ?? 'both',
      });
    }
  }

  get callSid(): string {
    return this.identity.callSid;
  }
  get ended(): boolean {
    return this.state === 'ended';
  }

  /** What the agent said since the caller last spoke (or since the call began), joined by spaces. */
  hear(): string {
    const lastCaller = this.transcript.findLastIndex((entry) => entry.speaker === 'caller');
    return this.transcript
      .slice(lastCaller + 1)
      .filter((entry) => entry.speaker === 'agent' && entry.text)
      .map((entry) => entry.text)
      .join(' ');
  }

  /** Every <Say> heard so far, in order. */
  heard(): TranscriptEntry[] {
    return this.transcript.filter((entry) => entry.speaker === 'agent' && entry.event === undefined);
  }

  // ---- caller actions -------------------------------------------------------------------------

  /** The caller says `text`, sent exactly as given (see recognizerText for Twilio's writing). */
  async say(text: string, options: { confidence?: number } = {}): Promise<void> {
    const confidence = options.confidence ?? 0.92;
    this.transcript.push({ speaker: 'caller', text, confidence });
    await this.answerGather(
      {
        SpeechResult: text,
        Confidence: confidence.toFixed(8),
        // The recognizer's language: the Gather's, else Twilio's default.
        Language: this.pendingGather?.language ?? 'en-US',
      },
      'speech',
    );
  }

  /** The caller says nothing until the Gather times out. */
  async silence(): Promise<void> {
    this.transcript.push({ speaker: 'caller', text: '', event: 'silence' });
    await this.answerGather(undefined, 'speech');
  }

  /**
   * The caller presses `keys`. As Twilio does, a Gather that takes keys posts those before its
   * finishOnKey (default #, left out of Digits) or its first numDigits; a speech-only Gather hears no
   * keys and times out.
   */
  async press(keys: string): Promise<void> {
    this.transcript.push({ speaker: 'caller', text: '', event: 'digits', digits: keys });
    const gather = this.pendingGather;
    if (gather && !gather.input.includes('dtmf')) return this.answerGather(undefined, 'dtmf');
    const { digits, finishedOnKey } = keysTwilioPosts(keys, gather?.attributes ?? {});
    await this.answerGather(digits ? { Digits: digits, FinishedOnKey: finishedOnKey } : undefined, 'dtmf');
  }

  /** The caller hangs up; Twilio then sends the completed status callback. */
  async hangUp(): Promise<void> {
    if (this.ended) return;
    this.transcript.push({ speaker: 'caller', text: '', event: 'hangup' });
    await this.end('caller-hung-up', 'completed');
  }

  /** Delivers the last webhook again, byte for byte (same body, signature and idempotency token). */
  async resend(): Promise<WebhookResult> {
    if (!this.lastSent) throw new SimulatorError('nothing has been sent yet');
    return this.context.sender.send(this.lastSent);
  }

  /**
   * The relay session ended (our `end` message, a drop, or an error): Twilio requests the
   * <Connect action> URL and runs the TwiML it returns. Parameter names are from practitioner
   * code, not Twilio's reference (twilio-protocols.md 1(c)); SessionStatus values are a guess.
   */
  async endRelay(
    options: { sessionStatus?: string; handoffData?: string; errorCode?: number; errorMessage?: string } = {},
  ): Promise<void> {
    const relay = this.relay;
    if (this.state !== 'in-relay' || !relay)
      throw new SimulatorError(`call is ${this.state}, not in a relay session`);
    this.relay = undefined;
    const extra: FormParams = {
      SessionId: relay.sessionId,
      SessionStatus: options.sessionStatus ?? (options.errorCode ? 'failed' : 'completed'),
      SessionDuration: String(Math.round((this.context.now() - relay.startedAt) / 1000)),
    };
    if (options.handoffData !== undefined) extra.HandoffData = options.handoffData;
    if (options.errorCode !== undefined) extra.ErrorCode = String(options.errorCode);
    if (options.errorMessage !== undefined) extra.ErrorMessage = options.errorMessage;
    this.state = 'in-progress';
    if (relay.actionUrl) await this.fetchAndRun('relay-action', relay.actionMethod, relay.actionUrl, extra);
    else await this.runVerbs();
  }

  /**
   * The Media Stream is over (our server closed the socket, or it failed): Twilio requests the
   * <Connect action> URL and runs the TwiML it returns.
   */
  async endStream(): Promise<void> {
    const stream = this.stream;
    if (this.state !== 'in-stream' || !stream)
      throw new SimulatorError(`call is ${this.state}, not in a media stream`);
    this.stream = undefined;
    this.state = 'in-progress';
    if (stream.actionUrl) await this.fetchAndRun('stream-action', stream.actionMethod, stream.actionUrl, {});
    else await this.runVerbs();
  }

  /**
   * Sends the recording status callback of the recording the call asked for, as Twilio does once it
   * is processed, to its callback URL (or `options.url`) for an event it subscribed to. A call that
   * asked for no recording gets none, as with Twilio.
   */
  async sendRecording(options: RecordingCallbackOptions = {}): Promise<WebhookResult> {
    const request = this.recordingRequests[0];
    if (!request) {
      throw new SimulatorError(
        'the call asked for no recording (no Record on create, no <Start><Recording>): Twilio sends no recording callback',
      );
    }
    const status = options.status ?? 'completed';
    // Failure of an encrypted recording is reported whatever the subscription (support article 360014251313).
    if (status !== 'failed' && !request.events.includes(status))
      throw new SimulatorError(`the recording subscribed to "${request.events.join(' ')}", not ${status}`);
    const url = options.url ?? request.statusCallbackUrl;
    if (!url) throw new SimulatorError('the recording has no status callback URL');
    const params = recordingCallbackParams(
      this.identity,
      options,
      new Date(this.answeredAt ?? this.context.now()),
      request,
    );
    return this.post('recording', request.statusCallbackMethod, url, params);
  }

  /** Plays a whole conversation: each line answers the pending Gather. Hangs up at the end unless told not to. */
  async runScript(lines: ScriptLine[], options: { hangUpAtEnd?: boolean } = {}): Promise<{ unused: number }> {
    return runScript(this, lines, options);
  }

  // ---- Twilio's side --------------------------------------------------------------------------

  /** Sends a status callback for an event, if the call subscribed to it. */
  async statusEvent(event: StatusEvent, callStatus: string, extra: FormParams = {}): Promise<void> {
    const url = this.context.statusCallbackUrl;
    if (!url || !this.context.statusEvents.includes(event)) return;
    const params = statusCallbackParams(
      this.identity,
      callStatus,
      this.sequenceNumber,
      new Date(this.context.now()),
      extra,
    );
    this.sequenceNumber += 1;
    await this.post('status', 'POST', url, params);
  }

  /** The call is answered: request the voice URL and run its TwiML. */
  async answer(voiceUrl: string): Promise<void> {
    this.answeredAt = this.context.now();
    const extra: FormParams = {
      ...(this.identity.direction === 'inbound' ? inboundAnswerParams(this.identity) : {}),
      ...(this.context.answeredBy ? { AnsweredBy: this.context.answeredBy } : {}),
    };
    await this.fetchAndRun(
      'voice',
      'POST',
      voiceUrl,
      extra,
      this.identity.direction === 'inbound' ? 'ringing' : 'in-progress',
    );
  }

  /** Ends the call without an answer (busy, no-answer, failed, canceled). */
  async notAnswered(status: string): Promise<void> {
    await this.end('not-answered', status);
  }

  private async post(
    kind: Exchange['kind'],
    method: string,
    url: string,
    params: FormParams,
  ): Promise<WebhookResult> {
    const request = this.context.sender.prepare(method === 'GET' ? 'GET' : 'POST', url, params);
    this.lastSent = request;
    const response = await this.context.sender.send(request);
    this.exchanges.push({ kind, request, response });
    return response;
  }

  private async answerGather(extra: FormParams | undefined, input: 'speech' | 'dtmf'): Promise<void> {
    const gather = this.pendingGather;
    if (this.state !== 'awaiting-input' || !gather)
      throw new SimulatorError(`call is ${this.state}, no Gather is waiting`);
    if (extra && !gather.input.includes(input))
      throw new SimulatorError(`the Gather does not accept ${input} input`);
    this.pendingGather = undefined;
    this.state = 'in-progress';
    this.redirects = 0;
    // Without input and without actionOnEmptyResult, Twilio falls through to the next verb.
    if (!extra && !gather.actionOnEmptyResult) return this.runVerbs();
    // Without an action, Twilio requests the current document's URL again.
    await this.fetchAndRun('action', gather.method, gather.action ?? this.documentUrl, extra ?? {});
  }

  private async fetchAndRun(
    kind: Exchange['kind'],
    method: string,
    url: string,
    extra: FormParams,
    callStatus = 'in-progress',
  ): Promise<void> {
    const absolute = this.resolve(url);
    const response = await this.post(kind, method, absolute, {
      ...voiceParams(this.identity, callStatus),
      ...extra,
    });
    const error = applicationError(absolute, response);
    if (error) return this.fail(error, callStatus);
    let verbs: TwimlVerb[];
    try {
      verbs = parseTwiml(response.body);
    } catch (parseError) {
      return this.fail(
        { code: 12100, url: absolute, status: response.status, detail: String(parseError) },
        callStatus,
      );
    }
    this.documentUrl = absolute;
    this.remaining = verbs;
    if (this.state === 'ringing') this.state = 'in-progress';
    await this.runVerbs();
  }

  /**
   * Absolute URLs are used exactly as written (they are what the server signs); relative ones
   * resolve against the current document, as Twilio does.
   */
  private resolve(url: string): string {
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : new URL(url, this.documentUrl).href;
  }

  private async fail(error: ApplicationError, callStatus: string): Promise<void> {
    this.applicationErrors.push(error);
    const fallbackUrl = this.context.fallbackUrl;
    if (fallbackUrl && !this.exchanges.some((exchange) => exchange.kind === 'fallback')) {
      const extra = { ErrorCode: String(error.code), ErrorUrl: error.url };
      return this.fetchAndRun('fallback', 'POST', fallbackUrl, extra, callStatus);
    }
    this.transcript.push({ speaker: 'agent', text: APPLICATION_ERROR_TEXT, voice: 'twilio-default' });
    await this.end('application-error', 'completed');
  }

  private record(prompt: PromptVerb): void {
    if (prompt.verb === 'say') {
      this.transcript.push({
        speaker: 'agent',
        text: prompt.text,
        voice: prompt.voice,
        language: prompt.language,
      });
    } else if (prompt.verb === 'play') {
      this.transcript.push({ speaker: 'agent', text: prompt.url, event: 'play' });
    }
  }

  private async runVerbs(): Promise<void> {
    while (!this.ended) {
      const verb = this.remaining.shift();
      if (!verb) return this.end('end-of-twiml', 'completed');
      switch (verb.verb) {
        case 'say':
        case 'play':
        case 'pause':
          this.record(verb);
          break;
        case 'gather':
          verb.prompts.forEach((prompt) => this.record(prompt));
          this.pendingGather = verb;
          this.state = 'awaiting-input';
          return;
        case 'redirect':
          this.redirects += 1;
          if (this.redirects > MAX_REDIRECTS_WITHOUT_INPUT) {
            throw new SimulatorError(
              `more than ${MAX_REDIRECTS_WITHOUT_INPUT} redirects without caller input`,
            );
          }
          return this.fetchAndRun('redirect', verb.method, verb.url, {});
        case 'start-recording':
          this.recordingRequests.push({
            source: 'StartCallRecordingAPI',
            ...(verb.statusCallback ? { statusCallbackUrl: this.resolve(verb.statusCallback) } : {}),
            statusCallbackMethod: verb.statusCallbackMethod,
            events: verb.events,
            channels: verb.channels === 'mono' ? 1 : 2,
            track: verb.track,
          });
          break;
        case 'hangup':
          return this.end('hangup-verb', 'completed');
        case 'reject':
          return this.end('rejected', 'busy');
        case 'dial':
          this.transfer = verb;
          return this.end('dialed', 'completed');
        case 'connect': {
          const relay = relaySessionFor(verb, this.identity, this.context.sender, this.context.now());
          const stream = relay ? undefined : mediaStreamFor(verb, this.identity, this.context.sender);
          if (stream) {
            this.stream = stream;
            this.state = 'in-stream';
            return;
          }
          if (!relay) {
            this.unsupported.push('Connect');
            break;
          }
          this.relay = relay;
          this.state = 'in-relay';
          return;
        }
        case 'unsupported':
          this.unsupported.push(verb.name);
          break;
      }
    }
  }

  private async end(reason: EndReason, status: string): Promise<void> {
    if (this.ended) return;
    this.state = 'ended';
    this.endReason = reason;
    this.finalStatus = status;
    this.pendingGather = undefined;
    const durationSeconds =
      this.answeredAt === undefined ? 0 : Math.round((this.context.now() - this.answeredAt) / 1000);
    await this.statusEvent('completed', status, {
      CallDuration: String(durationSeconds),
      // Duration: billed minutes, rounded up.
      Duration: String(Math.ceil(durationSeconds / 60)),
      ...(this.answeredAt !== undefined ? { SipResponseCode: '200' } : {}),
    });
  }
}
