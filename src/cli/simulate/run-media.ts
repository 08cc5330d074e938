// `voice-agent simulate --transport realtime`: the call over a bidirectional Media Stream, as Twilio
// plays it: the signed stream our <Connect><Stream> names, each --say line as μ-law audio (a tone as
// long as the words; the realtime model, real or the offline fake, is told the words by its script),
// the agent's audio played back with its marks, then the <Connect action> request when our server
// closes the stream (the call ends, is transferred, or goes on over the fallback transport).
import { toneFor } from '../../simulator/fake-realtime/tone.js';
import { connectMediaStream } from '../../simulator/media-stream-client.js';
import { deliverRecording } from './recording-delivery.js';
import { fetchResult, placeCall, type SimulationRequest, type SimulationResult } from './simulation.js';
import type { SimulationTarget } from './target.js';

// The caller's pause after a line: longer than the model's end-of-turn silence (500 ms by default).
const PAUSE_MS = 800;
const REPLY_TIMEOUT_MS = 15_000;

export async function runMediaSimulation(
  target: SimulationTarget,
  request: SimulationRequest,
): Promise<SimulationResult> {
  if (request.ask) throw new Error('the realtime transport takes --say or --script lines');
  const call = await placeCall(target, request, 'realtime');
  const failure = call.applicationErrors[0];
  if (failure) throw new Error(`the server did not answer the call: ${failure.detail}`);
  const stream = call.stream;
  if (!stream) {
    await call.hangUp();
    throw new Error(
      'the server answered without a media stream: it has no realtime model (set OPENAI_REALTIME_URL and a key, or run without a server so simulate starts its own with the offline fake)',
    );
  }
  const client = await connectMediaStream({
    wsUrl: stream.serverUrl,
    signedUrl: stream.url,
    authToken: target.authToken,
    start: stream.start,
    pace: 'fast',
    playbackRate: 20,
  });
  const heard = async () => {
    await client.nextReply({ quietMs: 300, timeoutMs: REPLY_TIMEOUT_MS }).catch(() => undefined);
  };
  await heard();
  for (const line of request.lines) {
    if (client.isClosed) break;
    request.onLine?.('caller', line);
    await client.say(toneFor(line), { trailingSilenceMs: PAUSE_MS });
    await heard();
  }
  // The server closes the stream once the last reply has played when the call is over.
  const closedByServer = await Promise.race([
    client.closed.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000).unref()),
  ]);
  if (closedByServer) {
    await call.endStream();
    if (!call.ended) await call.hangUp();
  } else {
    await client.hangUp();
    await call.hangUp();
  }
  await deliverRecording(target, call, request.warn);
  return fetchResult(target, call.callSid);
}
