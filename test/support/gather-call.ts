// One call over the <Gather> loop, driven the way Twilio drives it, for tests that need to choose
// what Twilio says about the caller: the whole parameter set of a real voice request, including
// StirVerstat (STIR/SHAKEN), CallToken and the empty geo fields Twilio sends for a number it cannot
// place. Every request is signed and sent over real HTTP to the live server.
import { expect } from 'vitest';
import type { FormParams } from '../../src/adapters/twilio/signature.js';
import { parseTwiml, type TwimlVerb } from '../../src/simulator/twiml-parser.js';
import { newSid, statusCallbackParams, voiceParams } from '../../src/simulator/twilio-params.js';
import { WebhookSender } from '../../src/simulator/webhook-sender.js';
import { PUBLIC_URL, type LiveServer } from './live-server.js';

export interface GatherCallOptions {
  direction: 'inbound' | 'outbound';
  /** The person: the caller of an inbound call, the callee of an outbound one. As Twilio writes it. */
  person: string;
  /** Our Twilio number. */
  ourNumber: string;
  /** Outbound: the agent named in the answer URL, as our own calls do. */
  agentId?: string;
  /** Inbound: Twilio's STIR/SHAKEN verification result; absent when the call carried no PASSporT. */
  stirVerstat?: string;
}

const MAX_REDIRECTS = 5;

/** The parameters Twilio adds to every voice request of an inbound call besides voiceParams'. */
function inboundExtras(options: GatherCallOptions): FormParams {
  const extras: FormParams = {
    FromCity: '',
    FromState: '',
    FromZip: '',
    CallerCity: '',
    CallerState: '',
    CallerZip: '',
    ToCity: 'SAN FRANCISCO',
    ToState: 'CA',
    ToZip: '94105',
    CalledCity: 'SAN FRANCISCO',
    CalledState: 'CA',
    CalledZip: '94105',
    CallToken: '%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiJ9.e30.c2ln%22%7D',
  };
  if (options.stirVerstat !== undefined) extras.StirVerstat = options.stirVerstat;
  return extras;
}

export class GatherCall {
  readonly callSid = newSid('CA');
  /** What the agent said, turn by turn. */
  readonly heard: string[] = [];
  private readonly sender: WebhookSender;
  private nextUrl?: string;
  private sequence = 0;

  constructor(
    private readonly server: LiveServer,
    private readonly options: GatherCallOptions,
  ) {
    this.sender = new WebhookSender({
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      authToken: server.container.secrets.twilioAuthToken,
    });
  }

  private get identity() {
    const inbound = this.options.direction === 'inbound';
    return {
      callSid: this.callSid,
      accountSid: this.server.container.secrets.twilioAccountSid,
      direction: this.options.direction,
      from: inbound ? this.options.person : this.options.ourNumber,
      to: inbound ? this.options.ourNumber : this.options.person,
    };
  }

  private params(callStatus: string, extra: FormParams = {}): FormParams {
    const base = voiceParams(this.identity, callStatus);
    return this.options.direction === 'inbound'
      ? { ...base, ...inboundExtras(this.options), ...extra }
      : { ...base, ...extra };
  }

  private async post(url: string, params: FormParams): Promise<string> {
    const response = await this.sender.send(this.sender.prepare('POST', url, params));
    expect(response.status, response.body).toBe(200);
    return response.body;
  }

  /** Runs a TwiML answer: records what is said, follows redirects, remembers the Gather's action. */
  private async run(body: string): Promise<void> {
    let verbs: TwimlVerb[] = parseTwiml(body);
    for (let redirects = 0; ; redirects += 1) {
      this.nextUrl = undefined;
      const said: string[] = [];
      for (const verb of verbs) {
        if (verb.verb === 'say') said.push(verb.text);
        if (verb.verb === 'gather') {
          for (const prompt of verb.prompts) if (prompt.verb === 'say') said.push(prompt.text);
          this.nextUrl = verb.action;
        }
      }
      this.heard.push(said.join(' '));
      const redirect = verbs.find((verb) => verb.verb === 'redirect');
      if (!redirect || redirect.verb !== 'redirect' || redirects >= MAX_REDIRECTS) return;
      verbs = parseTwiml(await this.post(redirect.url, this.params('in-progress')));
    }
  }

  /** Twilio requests the voice URL: the call is answered and the greeting comes back. */
  async answer(): Promise<this> {
    const voiceUrl =
      this.options.direction === 'outbound'
        ? `${PUBLIC_URL}/twilio/voice?agent_id=${encodeURIComponent(this.options.agentId ?? '')}`
        : `${PUBLIC_URL}/twilio/voice`;
    const status = this.options.direction === 'inbound' ? 'ringing' : 'in-progress';
    await this.run(await this.post(voiceUrl, this.params(status)));
    return this;
  }

  /** The caller speaks; `text` is written as Twilio's recognizer writes it. */
  async say(text: string): Promise<string> {
    if (!this.nextUrl) throw new Error('no Gather is waiting');
    await this.run(
      await this.post(this.nextUrl, this.params('in-progress', { SpeechResult: text, Confidence: '0.9234' })),
    );
    return this.heard.at(-1) ?? '';
  }

  /** The caller hangs up: the final status callback, then the call's summary is written. */
  async hangUp(): Promise<void> {
    const params = statusCallbackParams(this.identity, 'completed', this.sequence, new Date(), {
      CallDuration: '42',
      Duration: '1',
    });
    this.sequence += 1;
    const response = await this.sender.send(
      this.sender.prepare('POST', `${PUBLIC_URL}/twilio/status`, {
        ...params,
        ...(this.options.direction === 'inbound' ? inboundExtras(this.options) : {}),
      }),
    );
    expect(response.status).toBe(204);
    await this.server.container.finalizer.drain();
  }
}

/** Places (or receives) a call and waits for the greeting. */
export function gatherCall(server: LiveServer, options: GatherCallOptions): Promise<GatherCall> {
  return new GatherCall(server, options).answer();
}
