// Whether a call may recall earlier calls with the same number, and what it recalls. Past calls are
// found by the person's number, which an inbound caller chooses freely: recalling them for a number
// nobody vouched for hands one person's history to whoever types their number (or withholds theirs,
// like every other withheld caller). docs/decisions/0007-past-call-memory.md
import type { Agent, MemoryPolicy } from '../domain/agent.js';
import type { Call, CallerIdentity, MemoryDecision, PastCall, PastCallGist } from '../domain/call.js';
import type { CallStore } from '../ports/call-store.js';
import { callerIdentity } from './caller-identity.js';
import { pastCallGist } from './past-call-gist.js';

// Earlier calls shown to the model, newest first.
export const PAST_CALLS_RECALLED = 5;
// Finished calls read to find them: some are passed over (calls from the same number nobody vouched for).
const PAST_CALLS_READ = 12;

const TRUSTED: readonly CallerIdentity[] = ['outbound', 'attested'];

/** The agent's policy; an agent stored before the setting existed gets the default. */
function policyOf(agent: Pick<Agent, 'memory'>): MemoryPolicy {
  return agent.memory === 'any' || agent.memory === 'off' ? agent.memory : 'verified';
}

/** Whether this call may recall past calls: never for a withheld number, then as the policy says. */
export function decideMemory(policy: MemoryPolicy, identity: CallerIdentity): MemoryDecision {
  const used =
    identity !== 'withheld' && (policy === 'any' || (policy === 'verified' && TRUSTED.includes(identity)));
  return { policy, identity, used };
}

/**
 * Whether an earlier call may be recalled under `policy`: with `verified`, only one whose own number
 * was trusted, so what someone said from a spoofed number never reaches the number's owner. Calls
 * stored before identities were recorded count as trusted only when we placed them.
 */
export function mayRecall(policy: MemoryPolicy, past: PastCall): boolean {
  const identity = past.identity ?? (past.direction === 'outbound' ? 'outbound' : 'unattested');
  if (identity === 'withheld' || policy === 'off') return false;
  return policy === 'any' || TRUSTED.includes(identity);
}

/**
 * The memory decision for a call just answered and, when memory is used, the gists of its person's
 * earlier calls with this agent. `stirVerstat` is Twilio's StirVerstat on the voice request.
 */
export async function recallPastCalls(
  calls: Pick<CallStore, 'pastCalls'>,
  call: Call,
  agent: Pick<Agent, 'memory'>,
  stirVerstat: string | undefined,
): Promise<{ memory: MemoryDecision; past_calls: PastCallGist[] }> {
  const identity = callerIdentity(call.direction, call.recipient_phone, stirVerstat);
  const memory = decideMemory(policyOf(agent), identity);
  if (!memory.used) return { memory, past_calls: [] };
  const found = await calls.pastCalls(call.agent_id, call.recipient_phone, PAST_CALLS_READ);
  const past_calls = found
    .filter((past) => past.call_sid !== call.call_sid && mayRecall(memory.policy, past))
    .slice(0, PAST_CALLS_RECALLED)
    .map(pastCallGist);
  return { memory, past_calls };
}
