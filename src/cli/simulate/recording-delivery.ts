// The recording side of a simulated call: Twilio's media host and its recording status callback.
import { startRecordingServer, type RecordingServer } from '../../simulator/recording-server.js';
import type { SimulatedCall } from '../../simulator/twilio-simulator.js';
import { fetchResult } from './simulation.js';
import type { SimulationTarget } from './target.js';

// A copy that needs the 404 retry lands within a few seconds; past this the result shows it pending.
const RECORDING_WAIT_MS = 20_000;

/** A media host at the target's TWILIO_API_URL, when that is a loopback URL this process can take. */
async function mediaHostFor(target: SimulationTarget): Promise<{ media?: RecordingServer; reason?: string }> {
  if (target.media) return { media: target.media };
  const base = target.twilioApiUrl ? new URL(target.twilioApiUrl) : undefined;
  const host = base?.hostname.replace(/^\[(.*)\]$/, '$1');
  if (
    !base ||
    base.protocol !== 'http:' ||
    !base.port ||
    !['127.0.0.1', 'localhost', '::1'].includes(host!)
  ) {
    return {
      reason:
        `the server fetches recordings only from Twilio and TWILIO_API_URL (${target.twilioApiUrl ?? 'unset'}); ` +
        'set TWILIO_API_URL to a free loopback URL such as http://127.0.0.1:3010 for both to see them copied',
    };
  }
  try {
    const media = await startRecordingServer({
      accountSid: target.accountSid,
      authToken: target.authToken,
      notFoundFirst: 1,
      host,
      port: Number(base.port),
    });
    return { media };
  } catch (error) {
    return { reason: `cannot serve recordings at ${base.origin}: ${(error as Error).message}` };
  }
}

/**
 * Plays Twilio's recording side for a call that asked for a recording (REST Record or
 * <Start><Recording>): serves its audio behind Basic auth at the target's TWILIO_API_URL (404 at
 * first, as a fresh recording often is), sends the recording status callback, and waits until the
 * server copied it. A call that asked for none gets no callback, as with Twilio.
 */
export async function deliverRecording(
  target: SimulationTarget,
  call: SimulatedCall,
  warn: (message: string) => void = () => {},
): Promise<void> {
  const asked = call.recordingRequests.some(
    (request) => request.statusCallbackUrl && request.events.includes('completed'),
  );
  if (!asked) return;
  const { media, reason } = await mediaHostFor(target);
  if (!media) {
    warn(`recording not delivered: ${reason ?? 'no media host'}`);
    return;
  }
  try {
    const recording = media.addRecording(call.callSid, { durationSeconds: 8 });
    await call.sendRecording({
      recordingSid: recording.recordingSid,
      recordingUrl: recording.recordingUrl,
      durationSeconds: recording.durationSeconds,
    });
    const deadline = Date.now() + RECORDING_WAIT_MS;
    while (Date.now() < deadline) {
      const result = await fetchResult(target, call.callSid);
      const status = (result.recording as { status?: string } | undefined)?.status;
      if (status && status !== 'pending') return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    if (media !== target.media) await media.close();
  }
}
