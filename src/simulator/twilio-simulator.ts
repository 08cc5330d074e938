// Plays Twilio against a running voice-agent server over real HTTP: places inbound or outbound
// calls, sends status callbacks, signs every request like Twilio, and runs the returned TwiML.
// Used by `voice-agent simulate` and by the end-to-end tests (docs/decisions/0002-twilio-simulator.md).
import { SimulatedCall, type ScriptLine, type TranscriptEntry, type EndReason } from './simulated-call.js';
import { newSid, STATUS_OF_EVENT, type SimulatedDirection, type StatusEvent } from './twilio-params.js';
import type { RestRecordingOptions } from './call-types.js';
import { WITHHELD_CALLER } from './caller-id.js';
import { WebhookSender, type WebhookResult } from './webhook-sender.js';
import type { FormParams } from '../adapters/twilio/signature.js';

export interface TwilioSimulatorOptions {
  /** Where the server under test listens, e.g. http://127.0.0.1:54321. */
  serverUrl: string;
  /** The server's PUBLIC_URL: the URLs in its TwiML start with it, and signatures cover it. */
  publicUrl: string;
  accountSid: string;
  authToken: string;
  fetchImpl?: typeof fetch;
  /** Per-webhook response budget; Twilio's is 15 s. */
  webhookTimeoutMs?: number;
  /** Clock for CallDuration and Timestamp; defaults to Date.now. */
  now?: () => number;
  /** Our routes; defaults match the server's. */
  paths?: { voice?: string; status?: string };
}

export type AnswerOutcome = 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface StartCallOptions {
  direction: SimulatedDirection;
  /** E.164. Inbound: the caller. Outbound: our Twilio number. */
  from: string;
  /** E.164. Inbound: our Twilio number. Outbound: the person called. */
  to: string;
  /** Outbound calls carry the SID the REST API returned; inbound calls get a fresh one. */
  callSid?: string;
  /** Defaults to PUBLIC_URL + /twilio/voice (outbound: the Url given to calls.create). */
  voiceUrl?: string;
  /** Defaults to PUBLIC_URL + /twilio/status. */
  statusCallbackUrl?: string;
  /**
   * Status events to send. Defaults: outbound all four (what our REST adapter subscribes to);
   * inbound only 'completed' (a number's status callback gets only the final event).
   */
  statusEvents?: StatusEvent[];
  /** Outbound only: how the callee responds. Default 'answered'. */
  answer?: AnswerOutcome;
  /** Outbound with AMD: AnsweredBy on the voice webhook (human, machine_end_beep, …). */
  answeredBy?: string;
  /** Requested with ErrorCode and ErrorUrl when a webhook fails, like a number's Voice fallback URL. */
  fallbackUrl?: string;
  /** Outbound: the REST create asked for a recording (`Record=true` and its callback). */
  record?: RestRecordingOptions;
  /**
   * Inbound: the StirVerstat Twilio sends. Default TN-Validation-Passed-A (a fully attested caller)
   * for an E.164 caller, none for a withheld one; null sends none.
   */
  stirVerstat?: string | null;
}

const E164 = /^\+[1-9]\d{6,14}$/;

function stirVerstatOf(start: StartCallOptions): string | undefined {
  if (start.direction !== 'inbound' || start.stirVerstat === null) return undefined;
  if (start.stirVerstat !== undefined) return start.stirVerstat;
  return E164.test(start.from) && start.from !== WITHHELD_CALLER ? 'TN-Validation-Passed-A' : undefined;
}

export interface ScriptResult {
  call: SimulatedCall;
  transcript: TranscriptEntry[];
  endReason?: EndReason;
  /** Script lines left when the call ended. */
  unused: number;
}

const ALL_EVENTS: StatusEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

export class TwilioSimulator {
  private readonly sender: WebhookSender;
  private readonly publicUrl: string;
  private readonly now: () => number;

  constructor(private readonly options: TwilioSimulatorOptions) {
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.sender = new WebhookSender({
      serverUrl: options.serverUrl,
      publicUrl: this.publicUrl,
      authToken: options.authToken,
      fetchImpl: options.fetchImpl,
      timeoutMs: options.webhookTimeoutMs,
    });
  }

  /** Places a call and runs it until the caller must act (a Gather), a relay starts, or it ends. */
  async startCall(start: StartCallOptions): Promise<SimulatedCall> {
    const stirVerstat = stirVerstatOf(start);
    const call = new SimulatedCall(
      {
        callSid: start.callSid ?? newSid('CA'),
        accountSid: this.options.accountSid,
        direction: start.direction,
        from: start.from,
        to: start.to,
        ...(stirVerstat ? { stirVerstat } : {}),
      },
      {
        sender: this.sender,
        statusCallbackUrl:
          start.statusCallbackUrl ?? this.publicUrl + (this.options.paths?.status ?? '/twilio/status'),
        statusEvents: start.statusEvents ?? (start.direction === 'outbound' ? ALL_EVENTS : ['completed']),
        fallbackUrl: start.fallbackUrl,
        answeredBy: start.answeredBy,
        ...(start.direction === 'outbound' && start.record ? { record: start.record } : {}),
        now: this.now,
      },
    );
    const voiceUrl = start.voiceUrl ?? this.publicUrl + (this.options.paths?.voice ?? '/twilio/voice');
    if (start.direction === 'outbound') {
      await call.statusEvent('initiated', STATUS_OF_EVENT.initiated);
      await call.statusEvent('ringing', STATUS_OF_EVENT.ringing);
      const outcome = start.answer ?? 'answered';
      if (outcome !== 'answered') {
        await call.notAnswered(outcome);
        return call;
      }
      await call.statusEvent('answered', STATUS_OF_EVENT.answered);
    }
    await call.answer(voiceUrl);
    return call;
  }

  /**
   * Calls an agent the way our server's own outbound calls reach it: the answer URL names the agent
   * (and, when given, the transport), so no phone number needs to be assigned.
   */
  async callAgent(options: {
    agentId: string;
    /** The person's number. */
    caller: string;
    /** Our Twilio number. */
    ourNumber: string;
    transport?: 'gather' | 'relay' | 'realtime';
    /** What our server asks for when it places a call with RECORD_CALLS on. */
    record?: RestRecordingOptions;
  }): Promise<SimulatedCall> {
    const query = new URLSearchParams({ agent_id: options.agentId });
    if (options.transport) query.set('transport', options.transport);
    return this.startCall({
      direction: 'outbound',
      from: options.ourNumber,
      to: options.caller,
      ...(options.record ? { record: options.record } : {}),
      voiceUrl: `${this.publicUrl}${this.options.paths?.voice ?? '/twilio/voice'}?${query.toString()}`,
    });
  }

  /** Places a call and plays a whole script (see SimulatedCall.runScript). */
  async runScript(
    start: StartCallOptions,
    lines: ScriptLine[],
    options: { hangUpAtEnd?: boolean } = {},
  ): Promise<ScriptResult> {
    const call = await this.startCall(start);
    const { unused } = await call.runScript(lines, options);
    return { call, transcript: call.transcript, endReason: call.endReason, unused };
  }

  /** Sends any signed form POST to a public URL of the server, e.g. a hand-made or forged callback. */
  async post(
    publicUrl: string,
    params: FormParams,
    options: { signature?: string } = {},
  ): Promise<WebhookResult> {
    const request = this.sender.prepare('POST', publicUrl, params);
    if (options.signature !== undefined) request.headers['x-twilio-signature'] = options.signature;
    return this.sender.send(request);
  }
}

export { SimulatedCall } from './simulated-call.js';
export { WITHHELD_CALLER, STIR_VERSTAT_VALUES } from './caller-id.js';
export type {
  RecordingRequest,
  RestRecordingOptions,
  ScriptLine,
  TranscriptEntry,
  EndReason,
  ApplicationError,
  CallState,
} from './simulated-call.js';
export type { RelaySession, RelaySetupFields } from './relay-session.js';
export { parseTwiml, type TwimlVerb } from './twiml-parser.js';
