// Simulated calls posting signed Gather turns at a fixed concurrency. Every request body and its
// X-Twilio-Signature is built before the timed window, so the window measures the server.
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { signTwilioRequest, type FormParams } from '../src/adapters/twilio/signature.js';
import { newSid, voiceParams, type CallIdentity } from '../src/simulator/twilio-params.js';
import type { GatherServerSetup } from './gather-server.js';

interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PreparedCall {
  callSid: string;
  answer: PreparedRequest;
  turns: PreparedRequest[];
}

export interface LoadResult {
  /** Latency of each turn completed inside the measured window, in ms. */
  latenciesMs: Float64Array;
  measuredTurns: number;
  measuredSeconds: number;
  /** Turns answered 200 with a <Gather>, per call, whole run (warm-up included). */
  acknowledged: number[];
  errors: number;
  errorSamples: string[];
  /** Calls that used every prepared turn before the window ended (the run was cut short). */
  exhausted: number;
}

function encode(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) form.append(key, v);
  return form.toString();
}

function prepare(setup: GatherServerSetup, path: string, params: FormParams): PreparedRequest {
  return {
    path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(setup.authToken, `${setup.publicUrl}${path}`, params),
      'i-twilio-idempotency-token': randomUUID(),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: encode(params),
  };
}

/** Calls with their answer webhook and `turnsPerCall` signed Gather results each. */
export function prepareCalls(setup: GatherServerSetup, calls: number, turnsPerCall: number): PreparedCall[] {
  return Array.from({ length: calls }, (_, index) => {
    const identity: CallIdentity = {
      callSid: newSid('CA'),
      accountSid: setup.accountSid,
      direction: 'inbound',
      from: `+1415555${String(index % 10_000).padStart(4, '0')}`,
      to: setup.agentNumber,
    };
    const answer = prepare(setup, '/twilio/voice', voiceParams(identity, 'ringing'));
    const turns = Array.from({ length: turnsPerCall }, (_, i) =>
      prepare(setup, `/twilio/gather?seq=${i + 1}`, {
        ...voiceParams(identity, 'in-progress'),
        SpeechResult: `banana number ${i + 1}`,
        Confidence: '0.91234567',
        Language: 'en-US',
      }),
    );
    return { callSid: identity.callSid, answer, turns };
  });
}

async function post(pool: Pool, request: PreparedRequest): Promise<{ status: number; body: string }> {
  const response = await pool.request({
    method: 'POST',
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Answers every call (not timed), with at most `concurrency` requests at once. */
export async function answerCalls(url: string, calls: PreparedCall[], concurrency: number): Promise<number> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  let failures = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls.length) }, async () => {
      for (let i = next++; i < calls.length; i = next++) {
        const { status, body } = await post(pool, calls[i]!.answer);
        if (status !== 200 || !body.includes('<Gather')) failures += 1;
      }
    }),
  );
  await pool.close();
  return failures;
}

/**
 * Each call posts its turns one after another (a caller waits for the reply before speaking again)
 * for warmUpMs + measureMs; turns that complete inside the measured window count.
 */
export async function runTurns(
  url: string,
  calls: PreparedCall[],
  options: {
    warmUpMs: number;
    measureMs: number;
    expectGather: boolean;
    /** Start the prepared turns again when they run out (for a server that ignores seq). */
    cycle?: boolean;
  },
): Promise<LoadResult> {
  const pool = new Pool(url, { connections: calls.length, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  const acknowledged = calls.map(() => 0);
  const errorSamples: string[] = [];
  let errors = 0;
  let exhausted = 0;
  const start = performance.now();
  const windowStart = start + options.warmUpMs;
  const windowEnd = windowStart + options.measureMs;

  await Promise.all(
    calls.map(async (call, index) => {
      for (let i = 0; i < call.turns.length || options.cycle; i += 1) {
        const turn = call.turns[i % call.turns.length]!;
        const sent = performance.now();
        if (sent >= windowEnd) return;
        let ok = false;
        let problem = '';
        try {
          const { status, body } = await post(pool, turn);
          ok = status === 200 && (!options.expectGather || body.includes('<Gather'));
          if (!ok) problem = `HTTP ${status}: ${body.slice(0, 200)}`;
        } catch (error) {
          problem = String(error);
        }
        const done = performance.now();
        if (ok) acknowledged[index]! += 1;
        else {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(problem);
        }
        // Steady state: every turn that completes inside the window counts, for rate and latency.
        if (ok && done >= windowStart && done <= windowEnd) latencies.push(done - sent);
      }
      exhausted += 1;
    }),
  );
  await pool.close();
  return {
    latenciesMs: Float64Array.from(latencies),
    measuredTurns: latencies.length,
    measuredSeconds: options.measureMs / 1_000,
    acknowledged,
    errors,
    errorSamples,
    exhausted,
  };
}
