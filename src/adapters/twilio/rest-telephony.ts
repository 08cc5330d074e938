// Telephony over Twilio's REST API (2010-04-01). The SDK client is created on first use, so the
// server starts (and serves the dashboard, the simulator, web calls) without Twilio credentials.
import twilio from 'twilio';
import { AppError } from '../../domain/errors.js';
import type { OutboundCallRequest, Telephony } from '../../ports/telephony.js';
import { isCallAlreadyEnded, mapTwilioError } from './rest-errors.js';
import { TwilioHttpClient } from './rest-http-client.js';

export interface TwilioRestOptions {
  accountSid?: string;
  authToken?: string;
  /** TWILIO_API_URL: send REST requests here instead of https://api.twilio.com. */
  apiUrl?: string;
  /** Per-request timeout; the SDK's default is 30 s. */
  timeoutMs?: number;
}

type TwilioClient = ReturnType<typeof twilio>;
type CallCreateOptions = Parameters<TwilioClient['calls']['create']>[0];

const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
// 'absent' tells us a recording will never come (too short or silent), so nothing waits for it.
const RECORDING_EVENTS = ['completed', 'absent'];
const DEFAULT_TIMEOUT_MS = 10_000;

export class TwilioRestTelephony implements Telephony {
  private client: TwilioClient | undefined;

  constructor(private readonly options: TwilioRestOptions) {}

  /** Whether credentials are configured (the client itself is still created lazily). */
  get configured(): boolean {
    return Boolean(this.options.accountSid && this.options.authToken);
  }

  private twilioClient(): TwilioClient {
    const { accountSid, authToken, apiUrl } = this.options;
    if (!accountSid || !authToken) {
      throw new AppError(
        'unavailable',
        'Twilio credentials are not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
      );
    }
    this.client ??= twilio(accountSid, authToken, {
      httpClient: new TwilioHttpClient(apiUrl, { timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS }),
      // Everything comes from Config; nothing from process.env.
      env: {},
    });
    return this.client;
  }

  async createCall(request: OutboundCallRequest): Promise<{ callSid: string; status: string }> {
    const client = this.twilioClient();
    const options: CallCreateOptions = {
      to: request.to,
      from: request.from,
      url: request.answerUrl,
      method: 'POST',
      statusCallback: request.statusCallbackUrl,
      statusCallbackEvent: STATUS_EVENTS,
      statusCallbackMethod: 'POST',
      record: request.record,
    };
    if (request.record && request.recordingStatusCallbackUrl) {
      options.recordingStatusCallback = request.recordingStatusCallbackUrl;
      options.recordingStatusCallbackEvent = RECORDING_EVENTS;
      options.recordingStatusCallbackMethod = 'POST';
    }
    if (request.machineDetection) {
      options.machineDetection = request.machineDetection;
      // Synchronous AMD: Twilio asks for TwiML only once it knows human or machine (AnsweredBy).
      options.asyncAmd = 'false';
    }
    if (request.timeLimitSeconds !== undefined) options.timeLimit = request.timeLimitSeconds;
    try {
      const call = await client.calls.create(options);
      return { callSid: call.sid, status: call.status };
    } catch (error) {
      throw mapTwilioError(error, { idempotent: false });
    }
  }

  async hangUp(callSid: string): Promise<void> {
    const client = this.twilioClient();
    try {
      await client.calls(callSid).update({ status: 'completed' });
    } catch (error) {
      // Hanging up a call that already ended is done, not an error.
      if (isCallAlreadyEnded(error)) return;
      throw mapTwilioError(error, { idempotent: true });
    }
  }

  async connectNumber(phoneNumber: string, voiceUrl: string, statusCallbackUrl: string): Promise<void> {
    const client = this.twilioClient();
    let sid: string | undefined;
    try {
      const [found] = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
      sid = found?.sid;
    } catch (error) {
      throw mapTwilioError(error, { idempotent: true });
    }
    if (!sid) {
      throw new AppError('not_found', 'That phone number is not on this Twilio account', {
        issues: [{ field: 'phone_number', message: 'not found on the Twilio account' }],
      });
    }
    try {
      await client.incomingPhoneNumbers(sid).update({
        voiceUrl,
        voiceMethod: 'POST',
        statusCallback: statusCallbackUrl,
        statusCallbackMethod: 'POST',
      });
    } catch (error) {
      throw mapTwilioError(error, { idempotent: true });
    }
  }
}
