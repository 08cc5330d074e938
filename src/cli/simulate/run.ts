// Runs one simulated call against a server and reads back what the server stored.
import { recognizerText } from '../../simulator/recognizer-text.js';
import { deliverRecording } from './recording-delivery.js';
import { fetchResult, placeCall, type SimulationRequest, type SimulationResult } from './simulation.js';
import type { SimulationTarget } from './target.js';

export type { SimulationRequest, SimulationResult } from './simulation.js';

export async function runSimulation(
  target: SimulationTarget,
  request: SimulationRequest,
): Promise<SimulationResult> {
  if (request.transport === 'realtime') {
    const { runMediaSimulation } = await import('./run-media.js');
    return runMediaSimulation(target, request);
  }
  if (request.transport === 'relay') {
    const { runRelaySimulation } = await import('./run-relay.js');
    return runRelaySimulation(target, request);
  }
  const call = await placeCall(target, request, 'gather');
  let shown = 0;
  const show = () => {
    for (const entry of call.transcript.slice(shown)) {
      if (entry.speaker === 'agent' && entry.text) request.onLine?.('agent', entry.text);
    }
    shown = call.transcript.length;
  };
  show();
  const failure = call.applicationErrors[0];
  if (failure) {
    const hint =
      failure.status === 403
        ? ` (signed for ${target.publicUrl}: pass the server's PUBLIC_URL with --public-url)`
        : '';
    throw new Error(`the server did not answer the call: ${failure.detail}${hint}`);
  }
  if (call.relay) {
    await call.hangUp();
    throw new Error(
      `the agent on ${request.ourNumber} answers over ConversationRelay: add --transport relay`,
    );
  }
  const next = async (index: number) => (request.ask ? request.ask() : request.lines[index]);
  const press = async (index: number) => {
    const keys = request.dtmf?.[index];
    if (keys && !call.ended) await call.press(keys);
    show();
  };
  for (let index = 0; !call.ended; index += 1) {
    await press(index);
    if (call.ended) break;
    const line = await next(index);
    if (line === undefined) break;
    if (line.trim() === '') await call.silence();
    else await call.say(recognizerText(line), { confidence: request.confidence });
    show();
  }
  if (!call.ended) await call.hangUp();
  await deliverRecording(target, call, request.warn);
  return fetchResult(target, call.callSid);
}
