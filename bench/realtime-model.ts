// The realtime benchmark's model: the fake Realtime API in a process of its own, off the server's core.
// Every 20 ms frame of every reply carries a tag (realtime-tags.ts), and the process notes when it
// sent each tagged delta on the monotonic clock. Turns are made as the dialogue asks
// for them and connections keep no record of their events: a 16 KB reply copied for 1,000 turns up
// front was 3 GB at 200 calls, and the copying took most of a core.
import { pathToFileURL } from 'node:url';
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
} from '../src/simulator/fake-realtime/fake-realtime-server.js';
import { toneFor } from '../src/simulator/fake-realtime/tone.js';
import { watchGc } from './realtime-gc.js';
import { FRAME_BYTES, monotonicMs, TAG, TAG_BYTES, tagOfBase64 } from './realtime-tags.js';

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
  watchGc('model');
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
  // A benchmark that died leaves no server behind.
  process.on('disconnect', () => process.exit(0));
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

// Run as a child (startBenchChild), not when another file imports this one.
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
