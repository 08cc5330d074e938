// The JSON we put in ConversationRelay's `end.handoffData`; Twilio hands it back to the <Connect action>
// URL as the HandoffData form field, which decides the call's next step there.
import { z } from 'zod';
import { ENDED_BY } from '../../domain/call.js';

// HandoffData travels through Twilio and back; anything longer than this is not ours.
const MAX_HANDOFF_CHARS = 2_000;

const handoffSchema = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('end'), ended_by: z.enum(ENDED_BY).optional() }),
  z.object({ reason: z.literal('transfer'), target_id: z.string().min(1).max(64) }),
  z.object({ reason: z.literal('server-restart') }),
]);

export type Handoff = z.infer<typeof handoffSchema>;

export function encodeHandoff(handoff: Handoff): string {
  return JSON.stringify(handoff);
}

/** Reads HandoffData; undefined when it is missing, too long, not JSON or not one of ours. */
export function parseHandoff(raw: string | undefined): Handoff | undefined {
  if (!raw || raw.length > MAX_HANDOFF_CHARS) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = handoffSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
