// Twilio's media side, for the simulator and the fake REST API alike: generated recordings behind
// Basic auth at `<base>/2010-04-01/Accounts/<AC>/Recordings/<RE>` (+ .wav, .mp3, .json), answering
// 404 for the first requests of each recording, as Twilio does while a fresh recording is
// post-processed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RecordingMediaOptions {
  /** The account whose recordings are served; until set (here or by useAccount) every request is 401. */
  accountSid?: string;
  authToken?: string;
  /** Media requests answered 404 before a recording is served (default 2). */
  notFoundFirst?: number;
}

export interface SimulatedRecording {
  recordingSid: string;
  callSid: string;
  /** Like Twilio's RecordingUrl: no extension. */
  recordingUrl: string;
  durationSeconds: number;
}

export interface RecordingMedia {
  /**
   * Serves this account's recordings from now on: for a server that must be told this host's URL
   * (TWILIO_API_URL) before its own credentials exist.
   */
  useAccount(accountSid: string, authToken: string): void;
  addRecording(
    callSid: string,
    options?: { durationSeconds?: number; notFoundFirst?: number },
  ): SimulatedRecording;
  /** The exact bytes served for a recording in a format. */
  audio(recordingSid: string, format: 'wav' | 'mp3'): Buffer;
  /** Media GETs received for a recording (404s included). */
  mediaRequests(recordingSid: string): number;
  /** Whether a DELETE removed the recording. */
  deleted(recordingSid: string): boolean;
  /** Answers one request for a recording (any other path is a 404). */
  handle(request: IncomingMessage, response: ServerResponse): void;
}

const SAMPLE_RATE = 8_000;

/** A mono 8 kHz 16-bit PCM WAV: a quiet tone whose pitch depends on the recording SID. */
export function generateWav(recordingSid: string, durationSeconds: number): Buffer {
  const seed = createHash('sha256').update(recordingSid).digest();
  const frequency = 300 + (seed.readUInt16BE(0) % 500);
  const samples = Math.max(1, Math.round(SAMPLE_RATE * durationSeconds));
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1)
    data.writeInt16LE(Math.round(3_000 * Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Stand-in MP3 bytes (not decodable audio): an ID3 tag and SID-derived filler, ~1 kB per second. */
export function generateMp3(recordingSid: string, durationSeconds: number): Buffer {
  const chunks: Buffer[] = [Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1')];
  const blocks = Math.max(1, Math.round(durationSeconds * 32));
  for (let i = 0; i < blocks; i += 1)
    chunks.push(createHash('sha256').update(`${recordingSid}:${i}`).digest());
  return Buffer.concat(chunks);
}

interface Entry {
  recording: SimulatedRecording;
  notFoundFirst: number;
  requests: number;
  deleted: boolean;
}

/** Recordings served under `baseUrl()`, the origin of the host that passes requests to `handle`. */
export function createRecordingMedia(
  options: RecordingMediaOptions & { baseUrl: () => string },
): RecordingMedia {
  const entries = new Map<string, Entry>();
  const notFoundFirst = options.notFoundFirst ?? 2;
  let account: { sid: string; expected: Buffer; path: RegExp } | undefined;
  const useAccount = (accountSid: string, authToken: string) => {
    account = {
      sid: accountSid,
      expected: Buffer.from(`Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`),
      path: new RegExp(
        `^/2010-04-01/Accounts/${accountSid}/Recordings/(RE[0-9a-f]{32})(?:\\.(wav|mp3|json))?$`,
      ),
    };
  };
  if (options.accountSid !== undefined && options.authToken !== undefined)
    useAccount(options.accountSid, options.authToken);
  const authorized = (request: IncomingMessage) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    return (
      account !== undefined &&
      given.length === account.expected.length &&
      timingSafeEqual(given, account.expected)
    );
  };
  const accountSid = () => {
    if (!account) throw new Error('the recording server serves no account yet (useAccount)');
    return account.sid;
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const send = (status: number, body: string | Buffer = '', type = 'text/plain') => {
      response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (!authorized(request)) {
      response.setHeader('www-authenticate', 'Basic realm="Twilio API"');
      send(401, JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }), 'application/json');
      return;
    }
    const match = account!.path.exec(request.url ?? '');
    const entry = match ? entries.get(match[1]!) : undefined;
    if (!match || !entry || entry.deleted) {
      send(404, JSON.stringify({ code: 20404, message: 'not found', status: 404 }), 'application/json');
      return;
    }
    const format = match[2] ?? 'wav';
    if (request.method === 'DELETE') {
      entry.deleted = true;
      send(204);
      return;
    }
    if (request.method !== 'GET') {
      send(405);
      return;
    }
    const { recording } = entry;
    if (format === 'json') {
      send(
        200,
        JSON.stringify({
          sid: recording.recordingSid,
          call_sid: recording.callSid,
          account_sid: account!.sid,
          status: 'completed',
          duration: String(recording.durationSeconds),
          channels: 1,
          source: 'OutboundAPI',
        }),
        'application/json',
      );
      return;
    }
    entry.requests += 1;
    if (entry.requests <= entry.notFoundFirst) {
      send(404, JSON.stringify({ code: 20404, message: 'not found', status: 404 }), 'application/json');
      return;
    }
    if (format === 'mp3')
      send(200, generateMp3(recording.recordingSid, recording.durationSeconds), 'audio/mpeg');
    else send(200, generateWav(recording.recordingSid, recording.durationSeconds), 'audio/x-wav');
  };

  return {
    useAccount,
    handle,
    addRecording(callSid, recordingOptions = {}) {
      const recordingSid = `RE${randomBytes(16).toString('hex')}`;
      const recording: SimulatedRecording = {
        recordingSid,
        callSid,
        recordingUrl: `${options.baseUrl()}/2010-04-01/Accounts/${accountSid()}/Recordings/${recordingSid}`,
        durationSeconds: recordingOptions.durationSeconds ?? 2,
      };
      entries.set(recordingSid, {
        recording,
        notFoundFirst: recordingOptions.notFoundFirst ?? notFoundFirst,
        requests: 0,
        deleted: false,
      });
      return recording;
    },
    audio(recordingSid, format) {
      const entry = entries.get(recordingSid);
      if (!entry) throw new Error(`unknown recording ${recordingSid}`);
      const seconds = entry.recording.durationSeconds;
      return format === 'mp3' ? generateMp3(recordingSid, seconds) : generateWav(recordingSid, seconds);
    },
    mediaRequests: (recordingSid) => entries.get(recordingSid)?.requests ?? 0,
    deleted: (recordingSid) => entries.get(recordingSid)?.deleted ?? false,
  };
}
