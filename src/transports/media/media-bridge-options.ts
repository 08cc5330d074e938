// What a Media Streams bridge is given (media-routes.ts builds it per socket), and its clocks' defaults.
import type { FastifyBaseLogger } from 'fastify';
import type { CallEngine } from '../../engine/call-engine.js';
import type { RealtimeModelFactory } from '../../ports/realtime-model.js';
import type { MediaSocketGrant } from './media-socket-grant.js';
import type { ToolCatalogLike } from './model-tools.js';

export interface MediaBridgeOptions {
  engine: CallEngine;
  models: RealtimeModelFactory;
  tools: ToolCatalogLike;
  grant: MediaSocketGrant;
  /** Our Twilio account: `start` must name it. */
  accountSid: string;
  logger: FastifyBaseLogger;
  defaultTimezone: string;
  /** The server's DEFAULT_TRANSPORT, for an agent that names no fallback. */
  defaultTransport: 'gather' | 'relay';
  region?: string;
  /** Caller silence after the agent's audio has played that becomes a silent turn. */
  idleMs?: number;
  /** After the last turn, the most we wait for its audio to play before closing the stream. */
  endWaitMs?: number;
  /** `start` must come within this. */
  startTimeoutMs?: number;
}

export const DEFAULT_IDLE_MS = 8_000;
export const DEFAULT_END_WAIT_MS = 30_000;
export const DEFAULT_START_TIMEOUT_MS = 10_000;
