import type { Call } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { CallStore } from '../ports/call-store.js';

// Conversation writes bump the call's version often during a call; a handful of re-reads is plenty.
const MAX_TRIES = 8;

/**
 * Re-reads the call and applies `change(call)` under its version until no other writer got there
 * first. `change` returns undefined to leave the call as it is. Resolves undefined when the call
 * does not exist or the change was skipped.
 */
export async function updateCallWithRetry(
  calls: Pick<CallStore, 'get' | 'update'>,
  callSid: string,
  change: (call: Call) => Partial<Call> | undefined,
  /** The call as the caller last read it: the first try skips the read. */
  known?: Call,
  /** How the call is read again after another writer got there first (default: one read). */
  reread: () => Promise<Call | undefined> = () => calls.get(callSid),
): Promise<Call | undefined> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const call = attempt === 0 && known ? known : await reread();
    if (!call) return undefined;
    const changes = change(call);
    if (!changes) return undefined;
    const updated = await calls.update(callSid, changes, call.version);
    if (updated) return updated;
  }
  throw new AppError('conflict', `call ${callSid}: gave up after ${MAX_TRIES} version conflicts`, {
    retryable: true,
  });
}
