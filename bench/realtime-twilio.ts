// The realtime benchmark's Twilio side in a process of its own (realtime-load.ts plays it): off the
// server's CPU, with nothing else in its event loop, and a young generation large enough that its
// own garbage collection rarely pauses it. The parent places the calls over the webhooks and hands
// each stream here; this process opens the sockets, notes when each tagged frame arrives
// (monotonicMs) while the window is open, and reports its CPU and event-loop delay over the window.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { watchGc, type GcPauses } from './realtime-gc.js';
import { framePayloads, TwilioLoad } from './realtime-load.js';
import type { MediaStreamStartFields } from '../src/simulator/media-stream-session.js';
import { openSignedSocket } from '../src/simulator/signed-socket.js';
import { toneFor } from '../src/simulator/fake-realtime/tone.js';
import { AppError } from '../src/domain/errors.js';

/** Node flags of this process: 64 MB semi-spaces make scavenges a quarter as frequent. */
export const TWILIO_NODE_ARGS = ['--max-semi-space-size=64'];

export type TwilioRequest =
  | {
      id: number;
      type: 'add';
      wsUrl: string;
      signedUrl: string;
      authToken: string;
      start: MediaStreamStartFields;
    }
  | { id: number; type: 'window-start' }
  | { id: number; type: 'window-end' }
  | { id: number; type: 'received' }
  | { id: number; type: 'stop' };

export interface TwilioWindow {
  cpuMs: number;
  loopMs: { p99: number; max: number };
  gc: GcPauses;
  /** Streams open at the end of the window. */
  open: number;
  oddMessages: number;
}

/** The tags of the frames received in the window and when (monotonicMs), in the same order. */
export interface TwilioReceived {
  tags: number[];
  at: number[];
}

const CALLER_LINE = framePayloads(toneFor('What will the weather be like tomorrow afternoon?', 30)); // ~1.5 s

const cpuMs = () => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1_000;
};

function main(): void {
  const received: TwilioReceived = { tags: [], at: [] };
  let measuring = false;
  let oddMessages = 0;
  const load = new TwilioLoad(CALLER_LINE, {
    frame: (tag, at) => {
      if (!measuring) return;
      received.tags.push(tag);
      received.at.push(at);
    },
    oddMessage: () => {
      oddMessages += 1;
    },
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const gc = watchGc('twilio');
  let cpuAtStart = 0;
  const answer = (id: number, body: object) => process.send?.({ id, ...body });

  // A benchmark that died leaves no server behind.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const request = raw as TwilioRequest;
    switch (request.type) {
      case 'add':
        void openSignedSocket(
          { wsUrl: request.wsUrl, signedUrl: request.signedUrl, authToken: request.authToken },
          (status) => new AppError('upstream', `media stream handshake rejected: ${status}`),
          'media stream',
        ).then(
          (socket) => {
            load.add(socket, request.start);
            answer(request.id, { ok: true });
          },
          (error: unknown) => answer(request.id, { error: String(error) }),
        );
        return;
      case 'window-start':
        loop.enable();
        cpuAtStart = cpuMs();
        gc.reset();
        oddMessages = 0;
        measuring = true;
        return answer(request.id, { ok: true });
      case 'window-end': {
        measuring = false;
        loop.disable();
        const window: TwilioWindow = {
          cpuMs: cpuMs() - cpuAtStart,
          loopMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
          open: load.open,
          oddMessages,
          gc: gc.read(),
        };
        return answer(request.id, window);
      }
      case 'received':
        return answer(request.id, received);
      case 'stop':
        load.stop();
        answer(request.id, { ok: true });
        // The hang-ups go out before the process ends.
        setTimeout(() => process.exit(0), 200);
        return;
    }
  });
  process.send?.({ type: 'ready', url: '' });
}

// Run as a child (startBenchChild), not when the benchmark imports this file for its types and flags.
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
