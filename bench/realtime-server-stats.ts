// What the realtime benchmark's server (relay-server.ts, mode realtime) measures of itself beyond the
// other modes' figures: the bridge's own time for a reply's first audio delta (the diagnostics
// channel of src/transports/media/first-audio-channel.ts) and its garbage-collection pauses.
import { subscribe } from 'node:diagnostics_channel';
import { createHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { FIRST_AUDIO_CHANNEL, type FirstAudioMessage } from '../src/transports/media/first-audio-channel.js';
import { watchGc, type GcPauses } from './realtime-gc.js';

export interface RealtimeServerStats {
  /** A reply's first audio delta in the bridge → its media frame written, ms. */
  firstAudioMs: { count: number; p50: number; p99: number; max: number };
  /** Garbage-collection pauses of the main thread. */
  gc: GcPauses;
  /** Old-space bytes in use at the end of the window less at its start, MB (what was promoted, less what a full collection freed). */
  oldSpaceGrowthMb: number;
}

const oldSpaceUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;

const fine = (ns: number) => Math.round(ns / 1e3) / 1e3;

/** `who` names its GC dump (realtime-gc.ts). */
export function watchRealtimeServer(who: string): { reset(): void; read(): RealtimeServerStats } {
  // Nanoseconds, at least 1 (a histogram takes positive integers).
  const firstAudio = createHistogram();
  subscribe(FIRST_AUDIO_CHANNEL, (message) =>
    firstAudio.record(Math.max(1, Math.round((message as FirstAudioMessage).ms * 1e6))),
  );
  const gc = watchGc(who);
  let oldSpaceAtStart = oldSpaceUsed();
  return {
    reset() {
      firstAudio.reset();
      gc.reset();
      oldSpaceAtStart = oldSpaceUsed();
    },
    read: () => ({
      firstAudioMs: {
        count: firstAudio.count,
        p50: fine(firstAudio.percentile(50)),
        p99: fine(firstAudio.percentile(99)),
        max: fine(firstAudio.max),
      },
      gc: gc.read(),
      oldSpaceGrowthMb: Math.round((oldSpaceUsed() - oldSpaceAtStart) / 1e5) / 10,
    }),
  };
}
