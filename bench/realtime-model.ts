// The realtime benchmark's model: the fake Realtime API in a process of its own, so that neither the
// server nor the simulated callers share a CPU queue with it. Each reply's first 20 ms delta carries a
// tag (its first bytes; μ-law like any other, and our server forwards audio untouched), and the
// process notes the wall-clock time (performance.timeOrigin + now) it sent each tagged delta.
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
} from '../src/simulator/fake-realtime/fake-realtime-server.js';
import { toneFor } from '../src/simulator/fake-realtime/tone.js';

export const FRAME_BYTES = 160; // 20 ms of μ-law
const TAG = Buffer.from([0x00, 0x01, 0x02, 0x03]);
const REPLY_AUDIO = toneFor('Tomorrow afternoon will be sunny, with a light breeze from the west.', 30);
const TURNS = 1_000;

export type RealtimeModelRequest = { id: number; type: 'sent-at' } | { id: number; type: 'stop' };

/** The tag a frame carries, if it is the first frame of a reply. */
export function tagOf(frame: Buffer): number | undefined {
  if (frame.length < 8 || frame.compare(TAG, 0, TAG.length, 0, TAG.length) !== 0) return undefined;
  return frame.readUInt32BE(TAG.length);
}

export const wallNow = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  let nextTag = 1;
  const tagged = (text: string) => {
    const audio = Buffer.from(REPLY_AUDIO);
    TAG.copy(audio, 0);
    audio.writeUInt32BE(nextTag++, TAG.length);
    return { text, audio };
  };
  const sentAt = new Map<number, number>();
  const fake = await startFakeRealtimeServer({
    script: (): DialogueScript => ({
      greeting: tagged('Hello! Ask me about the weather.'),
      turns: Array.from({ length: TURNS }, () => ({
        heard: 'What will the weather be like?',
        reply: tagged('Sunny.'),
      })),
      deltaBytes: FRAME_BYTES,
      deltaIntervalMs: 20,
    }),
    observe: (event) => {
      if (event.type !== 'response.output_audio.delta') return;
      // 12 base64 characters: the first 9 bytes, enough for the tag.
      const tag = tagOf(Buffer.from(String(event.delta).slice(0, 12), 'base64'));
      if (tag !== undefined) sentAt.set(tag, wallNow());
    },
  });
  process.on('message', (raw) => {
    const request = raw as RealtimeModelRequest;
    if (request.type === 'sent-at') {
      process.send?.({ id: request.id, sentAt: [...sentAt] });
      sentAt.clear();
      return;
    }
    void fake.close().then(() => {
      process.send?.({ id: request.id, ok: true });
      process.exit(0);
    });
  });
  process.send?.({ type: 'ready', url: fake.url, apiKey: FAKE_REALTIME_KEY });
}

if (process.send) await main();
