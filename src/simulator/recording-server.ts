// Plays Twilio's media host for the simulator on its own port (see recording-media.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createRecordingMedia,
  type RecordingMedia,
  type RecordingMediaOptions,
  type SimulatedRecording,
} from './recording-media.js';

export { generateMp3, generateWav, type SimulatedRecording } from './recording-media.js';

export interface RecordingServerOptions extends RecordingMediaOptions {
  /** Where to listen (default 127.0.0.1, a free port): e.g. the host and port of TWILIO_API_URL. */
  host?: string;
  port?: number;
}

export interface RecordingServer extends Omit<RecordingMedia, 'handle'> {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  close(): Promise<void>;
}

/** The form parameters Twilio posts to RecordingStatusCallback for a finished recording. */
export function recordingCallbackParams(
  recording: SimulatedRecording,
  accountSid: string,
  status: 'completed' | 'absent' | 'failed' = 'completed',
): Record<string, string> {
  return {
    AccountSid: accountSid,
    CallSid: recording.callSid,
    RecordingSid: recording.recordingSid,
    RecordingUrl: recording.recordingUrl,
    RecordingStatus: status,
    RecordingDuration: String(status === 'completed' ? recording.durationSeconds : 0),
    RecordingChannels: '1',
    RecordingStartTime: new Date().toUTCString(),
    RecordingSource: 'OutboundAPI',
    RecordingTrack: 'both',
    ...(status === 'absent' ? { ErrorCode: '16101' } : {}),
  };
}

export async function startRecordingServer(options: RecordingServerOptions = {}): Promise<RecordingServer> {
  let baseUrl = '';
  const media = createRecordingMedia({ ...options, baseUrl: () => baseUrl });
  const server = createServer(media.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    useAccount: media.useAccount,
    addRecording: media.addRecording,
    audio: media.audio,
    mediaRequests: media.mediaRequests,
    deleted: media.deleted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
