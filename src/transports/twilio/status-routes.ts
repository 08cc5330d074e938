// Call status and recording status callbacks. Both are idempotent and safe out of order: a status
// only moves a call forward, and a recording is copied once whatever the number of callbacks.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { CallStatus } from '../../domain/call.js';
import { CALL_STATUSES, isTerminal } from '../../domain/call.js';
import type { CallStore } from '../../ports/call-store.js';
import { callSidOf, param } from './params.js';
import { formParams } from './signature-check.js';

export interface StatusDeps {
  calls: CallStore;
  /**
   * Records how the call ended (awaited: one write), then starts its summary, outcome and end-of-call
   * webhook in the background. Must not throw.
   */
  onCallEnded?: (callSid: string, status: CallStatus) => Promise<void>;
  /** Starts the copy of a recording in the background and resolves at once. */
  handleRecording?: (params: Record<string, string | undefined>) => Promise<unknown>;
}

// Progress order of Twilio's statuses. SequenceNumber breaks ties between callbacks of one status
// rank; a rank never goes back, so a late `ringing` cannot overwrite `completed`.
const RANK: Record<CallStatus, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  failed: 4,
  'no-answer': 4,
  canceled: 4,
};

export function statusSequence(status: CallStatus, sequenceNumber: number | undefined): number {
  return RANK[status] * 1_000 + Math.min(Math.max(sequenceNumber ?? 0, 0), 999);
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

export async function statusRoutes(
  app: FastifyInstance,
  deps: StatusDeps & { checkSignature: preHandlerAsyncHookHandler },
): Promise<void> {
  app.post('/twilio/status', { preHandler: deps.checkSignature }, async (request, reply) => {
    const params = formParams(request);
    const callSid = callSidOf(params);
    const status = param(params, 'CallStatus') as CallStatus | undefined;
    if (!callSid || !status || !CALL_STATUSES.includes(status)) {
      return reply
        .code(400)
        .send({ error: 'validation', message: 'CallSid and a known CallStatus are required' });
    }
    const answeredBy = param(params, 'AnsweredBy');
    const applied = await deps.calls.applyStatus(callSid, {
      status,
      sequence: statusSequence(status, intParam(param(params, 'SequenceNumber'))),
      duration_seconds: intParam(param(params, 'CallDuration')),
      ...(answeredBy ? { answered_by: answeredBy } : {}),
      at: new Date().toISOString(),
    });
    if (applied && isTerminal(status) && deps.onCallEnded) await deps.onCallEnded(callSid, status);
    return reply.code(204).send();
  });

  app.post('/twilio/recording', { preHandler: deps.checkSignature }, async (request, reply) => {
    const params = formParams(request);
    if (!callSidOf(params) || !param(params, 'RecordingSid')) {
      return reply.code(400).send({ error: 'validation', message: 'CallSid and RecordingSid are required' });
    }
    const flat: Record<string, string | undefined> = {};
    for (const key of Object.keys(params)) flat[key] = param(params, key);
    if (deps.handleRecording) await deps.handleRecording(flat);
    return reply.code(204).send();
  });
}
