// A stand-in for api.twilio.com on 127.0.0.1:0: the Calls and IncomingPhoneNumbers operations we
// use, Basic auth, request validation against Twilio's OpenAPI spec, Twilio-shaped error bodies,
// a record of every request, and fault modes (reliability.md §5.1 "Twilio REST stub"). Like
// api.twilio.com it also serves recording media, so TWILIO_API_URL is the one place both come from.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecordingMedia, type RecordingMedia } from '../../src/simulator/recording-media.js';
import { TwilioSpecValidator, type FormBody, type OperationId } from './twilio-rest-spec.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  params: FormBody;
  operation: OperationId | 'ListIncomingPhoneNumber' | 'FetchCall' | 'unknown';
  status: number;
}

export interface FakeCall {
  sid: string;
  /** The form parameters of the create request, as sent. */
  params: FormBody;
  status: string;
  updates: FormBody[];
}

export interface FakePhoneNumber {
  sid: string;
  phoneNumber: string;
  voiceUrl: string | null;
  voiceMethod: string;
  statusCallback: string | null;
}

export interface Fault {
  status: number;
  code: number;
  message?: string;
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
}

export interface FakeTwilioRest {
  url: string;
  accountSid: string;
  authToken: string;
  calls: FakeCall[];
  requests: RecordedRequest[];
  phoneNumbers: FakePhoneNumber[];
  /** Recording media under this host (not in `requests`; see recordings.mediaRequests). */
  recordings: RecordingMedia;
  /** The next n requests (after authentication) fail with this status and Twilio error code. */
  failNext(n: number, fault: Fault): void;
  /** The next n call creations are accepted and recorded, but no response is ever sent. */
  hangAfterAccept(n: number): void;
  close(): Promise<void>;
}

export interface FakeTwilioRestOptions {
  accountSid?: string;
  authToken?: string;
  /** Numbers the account owns, for IncomingPhoneNumbers. */
  phoneNumbers?: string[];
  specPath?: string;
  /** Called after a call is created, e.g. to have the Twilio simulator place it. */
  onCallCreated?: (call: FakeCall) => void;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const E164 = /^\+[1-9]\d{6,14}$/;
const ENDPOINT = /^(\+[1-9]\d{6,14}|sips?:\S+|client:\S+)$/;
const rfc2822 = (date = new Date()) => date.toUTCString().replace('GMT', '+0000');

function errorBody(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function parseForm(raw: string): FormBody {
  const body: FormBody = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = body[key];
    if (existing === undefined) body[key] = value;
    else body[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return body;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function callResource(accountSid: string, call: FakeCall) {
  const created = rfc2822();
  return {
    sid: call.sid,
    account_sid: accountSid,
    to: first(call.params.To),
    to_formatted: first(call.params.To),
    from: first(call.params.From),
    from_formatted: first(call.params.From),
    status: call.status,
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: created,
    date_updated: created,
    start_time: null,
    end_time: null,
    duration: null,
    price: null,
    price_unit: 'USD',
    answered_by: null,
    caller_name: null,
    forwarded_from: null,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
    subresource_uris: {
      recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}/Recordings.json`,
    },
  };
}

function numberResource(accountSid: string, number: FakePhoneNumber) {
  return {
    sid: number.sid,
    account_sid: accountSid,
    phone_number: number.phoneNumber,
    friendly_name: number.phoneNumber,
    voice_url: number.voiceUrl,
    voice_method: number.voiceMethod,
    status_callback: number.statusCallback,
    status_callback_method: 'POST',
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${number.sid}.json`,
  };
}

export async function startFakeTwilioRest(options: FakeTwilioRestOptions = {}): Promise<FakeTwilioRest> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const validator = new TwilioSpecValidator(options.specPath);
  const calls: FakeCall[] = [];
  const requests: RecordedRequest[] = [];
  const phoneNumbers: FakePhoneNumber[] = (options.phoneNumbers ?? []).map((phoneNumber) => ({
    sid: `PN${hex(16)}`,
    phoneNumber,
    voiceUrl: null,
    voiceMethod: 'POST',
    statusCallback: null,
  }));
  const faults: Fault[] = [];
  let hangs = 0;
  const hung = new Set<ServerResponse>();
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const base = `/2010-04-01/Accounts/${accountSid}`;
  let origin = '';
  const recordings = createRecordingMedia({ accountSid, authToken, notFoundFirst: 0, baseUrl: () => origin });

  const handle = (request: IncomingMessage, response: ServerResponse, raw: string): void => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (/^\/2010-04-01\/Accounts\/[^/]+\/Recordings\//.test(url.pathname))
      return recordings.handle(request, response);
    const method = request.method ?? 'GET';
    const params = method === 'POST' ? parseForm(raw) : {};
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      params,
      operation: 'unknown',
      status: 0,
    };
    requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const fail = (status: number, code: number, message: string) =>
      send(status, errorBody(status, code, message));

    if (request.headers.authorization !== expectedAuth || !url.pathname.startsWith(`${base}/`)) {
      return fail(401, 20003, 'Authenticate');
    }
    const fault = faults.shift();
    if (fault) {
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return send(
        fault.status,
        errorBody(fault.status, fault.code, fault.message ?? 'Injected fault'),
        headers,
      );
    }
    const path = url.pathname.slice(base.length);
    const callMatch = /^\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(path);
    const numberMatch = /^\/IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/.exec(path);

    if (method === 'POST' && path === '/Calls.json') {
      record.operation = 'CreateCall';
      if (params.To === undefined) return fail(400, 21201, "No 'To' number is specified");
      if (params.From === undefined) return fail(400, 21213, "No 'From' number is specified");
      if (params.Url === undefined && params.Twiml === undefined && params.ApplicationSid === undefined) {
        return fail(400, 21205, "A 'Url', 'Twiml', or 'ApplicationSid' parameter is required");
      }
      const issues = validator.check('CreateCall', params);
      if (issues.length > 0)
        return fail(400, 20001, `Invalid parameter: ${issues.map((i) => i.message).join('; ')}`);
      if (!ENDPOINT.test(first(params.To) ?? ''))
        return fail(400, 21211, `Invalid 'To' Phone Number: ${first(params.To)}`);
      if (!E164.test(first(params.From) ?? ''))
        return fail(400, 21212, `Invalid 'From' Phone Number: ${first(params.From)}`);
      const call: FakeCall = { sid: `CA${hex(16)}`, params, status: 'queued', updates: [] };
      calls.push(call);
      options.onCallCreated?.(call);
      if (hangs > 0) {
        hangs -= 1;
        record.status = -1;
        hung.add(response);
        return;
      }
      return send(201, callResource(accountSid, call));
    }
    if (callMatch) {
      const call = calls.find((candidate) => candidate.sid === callMatch[1]);
      record.operation = method === 'POST' ? 'UpdateCall' : 'FetchCall';
      if (!call) return fail(404, 20404, `The requested resource ${url.pathname} was not found`);
      if (method === 'GET') return send(200, callResource(accountSid, call));
      const issues = validator.check('UpdateCall', params);
      if (issues.length > 0)
        return fail(400, 20001, `Invalid parameter: ${issues.map((i) => i.message).join('; ')}`);
      const ended = ['completed', 'canceled', 'failed', 'busy', 'no-answer'].includes(call.status);
      if (ended) return fail(400, 21220, 'Call is not in-progress. Cannot redirect.');
      call.updates.push(params);
      const status = first(params.Status);
      if (status) call.status = status;
      return send(200, callResource(accountSid, call));
    }
    if (method === 'GET' && path === '/IncomingPhoneNumbers.json') {
      record.operation = 'ListIncomingPhoneNumber';
      const wanted = url.searchParams.get('PhoneNumber');
      const found = phoneNumbers.filter((number) => wanted === null || number.phoneNumber === wanted);
      return send(200, {
        incoming_phone_numbers: found.map((number) => numberResource(accountSid, number)),
        page: 0,
        page_size: 50,
        start: 0,
        end: Math.max(0, found.length - 1),
        uri: `${base}/IncomingPhoneNumbers.json${url.search}`,
        first_page_uri: `${base}/IncomingPhoneNumbers.json${url.search}`,
        next_page_uri: null,
        previous_page_uri: null,
      });
    }
    if (method === 'POST' && numberMatch) {
      record.operation = 'UpdateIncomingPhoneNumber';
      const number = phoneNumbers.find((candidate) => candidate.sid === numberMatch[1]);
      if (!number) return fail(404, 20404, `The requested resource ${url.pathname} was not found`);
      const issues = validator.check('UpdateIncomingPhoneNumber', params);
      if (issues.length > 0)
        return fail(400, 20001, `Invalid parameter: ${issues.map((i) => i.message).join('; ')}`);
      number.voiceUrl = first(params.VoiceUrl) ?? number.voiceUrl;
      number.voiceMethod = first(params.VoiceMethod) ?? number.voiceMethod;
      number.statusCallback = first(params.StatusCallback) ?? number.statusCallback;
      return send(200, numberResource(accountSid, number));
    }
    return fail(404, 20404, `The requested resource ${url.pathname} was not found`);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    accountSid,
    authToken,
    calls,
    requests,
    phoneNumbers,
    recordings,
    failNext(n, fault) {
      for (let i = 0; i < n; i += 1) faults.push(fault);
    },
    hangAfterAccept(n) {
      hangs += n;
    },
    async close() {
      for (const response of hung) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
