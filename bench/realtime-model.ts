// The realtime benchmark's model: the fake Realtime API in a process of its own, off the server's core.
// Every 20 ms frame of every reply carries a tag (its first 8 bytes, μ-law like any other: our server
// forwards audio untouched), and the process notes when it sent each tagged delta on the monotonic
// clock (monotonicMs), which on Linux every process reads alike. Turns are made as the dialogue asks
// for them and connections keep no record of their events: a 16 KB reply copied for 1,000 turns up
// front was 3 GB at 200 calls, and the copying took most of a core.
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
} from '../src/simulator/fake-realtime/fake-realtime-server.js';
import { toneFor } from '../src/simulator/fake-realtime/tone.js';

export const FRAME_BYTES = 160; // 20 ms of μ-law
const TAG = Buffer.from([0x00, 0x01, 0x02, 0x03]);
const TAG_BYTES = TAG.length + 4;
const REPLY_AUDIO = toneFor('Tomorrow afternoon will be sunny, with a light breeze from the west.', 30);
const TURNS = 1_000;

export type RealtimeModelRequest =
  | { id: number; type: 'sent-at'; from: number; to: number }
  | { id: number; type: 'stats' }
  | { id: number; type: 'stop' };

export interface SentAt {
  /** When tag `from + i` was sent (monotonicMs), null when it was not. */
  sentAt: (number | null)[];
  /** The tags in the range that began a reply. */
  first: number[];
}

/** The tag a frame carries. */
export function tagOf(frame: Buffer): number | undefined {
  if (frame.length < TAG_BYTES || frame.compare(TAG, 0, TAG.length, 0, TAG.length) !== 0) return undefined;
  return frame.readUInt32BE(TAG.length);
}

// The tag's first three bytes (00 01 02) in base64: the tone never starts so.
const TAG_BASE64 = TAG.subarray(0, 3).toString('base64');

/** The tag of a base64 frame, decoding only the first 9 bytes of the frames that may carry one. */
export function tagOfBase64(payload: string): number | undefined {
  if (!payload.startsWith(TAG_BASE64)) return undefined;
  return tagOf(Buffer.from(payload.slice(0, 12), 'base64'));
}

/** CLOCK_MONOTONIC in ms (process.hrtime): the same clock in every process of the machine. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

async function main(): Promise<void> {
  let nextTag = 1;
  const first = new Set<number>();
  /** Indexed by tag. */
  const sentAt: number[] = [];
  const tagged = (text: string) => {
    const audio = Buffer.from(REPLY_AUDIO);
    first.add(nextTag);
    for (let offset = 0; offset + TAG_BYTES <= audio.length; offset += FRAME_BYTES) {
      TAG.copy(audio, offset);
      audio.writeUInt32BE(nextTag++, offset + TAG.length);
    }
    return { text, audio };
  };
  const fake = await startFakeRealtimeServer({
    script: (): DialogueScript => ({
      greeting: tagged('Hello! Ask me about the weather.'),
      turns: (index) =>
        index < TURNS ? { heard: 'What will the weather be like?', reply: tagged('Sunny.') } : undefined,
      deltaBytes: FRAME_BYTES,
      deltaIntervalMs: 20,
    }),
    record: false,
    observe: (event) => {
      if (event.type !== 'response.output_audio.delta') return;
      const tag = tagOfBase64(event.delta as string);
      if (tag !== undefined) sentAt[tag] = monotonicMs();
    },
  });
  process.on('message', (raw) => {
    const request = raw as RealtimeModelRequest;
    if (request.type === 'sent-at') {
      const answer: SentAt = {
        sentAt: Array.from(
          { length: request.to - request.from + 1 },
          (_, i) => sentAt[request.from + i] ?? null,
        ),
        first: [...first].filter((tag) => tag >= request.from && tag <= request.to),
      };
      process.send?.({ id: request.id, ...answer });
      return;
    }
    if (request.type === 'stats') {
      const cpu = process.cpuUsage();
      process.send?.({ id: request.id, cpuMs: (cpu.user + cpu.system) / 1_000 });
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
