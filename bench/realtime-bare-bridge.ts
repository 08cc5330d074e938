// The realtime benchmark's baseline: the least a Media Streams ↔ Realtime API bridge can do, in the
// shape of the public Node samples that bridge Twilio to gpt-realtime (an HTTP server, `ws` both ways,
// JSON.parse and JSON.stringify per message). Each Twilio frame becomes an input_audio_buffer.append,
// each audio delta a `media` message, and the model's speech_started a `clear`. There are no signature
// checks, marks, turns or store. What is left is Node and `ws` carrying the same traffic, so the gap
// between this and the server is what our own work per message costs. Written for the benchmark
// (bench/relay-server.ts, mode bridge); no code of the samples is in it.
import WebSocket from 'ws';
import { startBareWsServer } from './bare-ws-server.js';

/** μ-law both ways and the model's own turn detection, which answers each line by itself. */
const SESSION_UPDATE = JSON.stringify({
  type: 'session.update',
  session: {
    type: 'realtime',
    output_modalities: ['audio'],
    instructions: 'Answer questions about the weather.',
    audio: {
      input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad' } },
      output: { format: { type: 'audio/pcmu' }, voice: 'alloy' },
    },
  },
});
// Before any caller turn, a response.create is answered with the greeting.
const GREETING = JSON.stringify({ type: 'response.create' });

function bridge(twilio: WebSocket, realtime: { url: string; apiKey: string }): void {
  let streamSid = '';
  const model = new WebSocket(`${realtime.url}?model=gpt-realtime`, {
    headers: { Authorization: `Bearer ${realtime.apiKey}` },
    perMessageDeflate: false,
  });
  model.on('open', () => {
    model.send(SESSION_UPDATE);
    model.send(GREETING);
  });
  model.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString()) as { type?: string; delta?: string };
    if (event.type === 'response.output_audio.delta' && streamSid)
      twilio.send(JSON.stringify({ event: 'media', streamSid, media: { payload: event.delta } }));
    else if (event.type === 'input_audio_buffer.speech_started' && streamSid)
      twilio.send(JSON.stringify({ event: 'clear', streamSid }));
  });
  twilio.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      event?: string;
      start?: { streamSid: string };
      media?: { payload: string };
    };
    if (message.event === 'media' && model.readyState === WebSocket.OPEN)
      model.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: message.media?.payload }));
    else if (message.event === 'start') streamSid = message.start?.streamSid ?? '';
    else if (message.event === 'stop') model.close();
  });
  twilio.on('close', () => model.close());
  model.on('close', () => twilio.close());
  twilio.on('error', () => undefined);
  model.on('error', () => undefined);
}

export function startBareBridge(realtime: { url: string; apiKey: string }) {
  return startBareWsServer((socket) => bridge(socket, realtime));
}
