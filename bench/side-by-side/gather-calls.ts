// Twilio's side of <Gather> calls: the signed voice webhook, then each caller turn posted, signed, to
// the `action` of the <Gather> in the last answer, as Twilio follows it. A turn is acknowledged when a
// TwiML answer with the next <Gather> arrives; its time is the whole round trip (with the scripted
// policy no model is asked, so all of it is the server's).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchTag } from '../fake-model.js';
import {
  callerNumber,
  seeded,
  startCalls,
  type CallPlan,
  type CallRecord,
  type TurnRecord,
} from './call-plan.js';
import { postSigned, twimlAttribute, voiceParams, type TwilioAccount } from './twilio-side.js';

export interface GatherTarget {
  serverUrl: string;
  account: TwilioAccount;
  agentNumber: string;
}

async function gatherCall(target: GatherTarget, plan: CallPlan, index: number): Promise<CallRecord> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const record: CallRecord = { index, callSid, turns: [] };
  const call = { callSid, from: callerNumber(index), to: target.agentNumber };
  const { serverUrl, account } = target;
  let action: string | undefined;
  try {
    const twiml = await postSigned(
      serverUrl,
      account,
      `${account.publicUrl}/twilio/voice`,
      voiceParams(account, call, 'ringing'),
      plan.replyTimeoutMs,
    );
    action = twimlAttribute(twiml, 'Gather', 'action');
    if (!action) throw new Error(`no <Gather action> in ${twiml.slice(0, 120)}`);
  } catch (error) {
    record.failure = (error as Error).message;
    return record;
  }
  const random = seeded(index + 1);
  for (let t = 0; t < plan.turns; t++) {
    const [min, max] = plan.thinkMs;
    await sleep(min + random() * (max - min));
    const tag = benchTag(index, t);
    const turn: TurnRecord = { tag, sentMs: performance.now() };
    record.turns.push(turn);
    if (!action) {
      turn.error = 'not sent: the call ended';
      continue;
    }
    const params = {
      ...voiceParams(account, call, 'in-progress'),
      SpeechResult: `Hello, this is ${tag}. How are you?`,
      Confidence: '0.9234',
      Language: 'en-US',
    };
    try {
      turn.sentMs = performance.now();
      const twiml = await postSigned(serverUrl, account, action, params, plan.replyTimeoutMs);
      turn.lastMs = turn.firstTextMs = performance.now();
      action = twimlAttribute(twiml, 'Gather', 'action');
    } catch (error) {
      turn.error = (error as Error).name === 'TimeoutError' ? 'no answer in time' : (error as Error).message;
      action = undefined;
    }
  }
  return record;
}

export function runGatherCalls(target: GatherTarget, plan: CallPlan): Promise<CallRecord[]> {
  return startCalls(plan, (index) => gatherCall(target, plan, index));
}
