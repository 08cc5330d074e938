// F7/F8 (reliability.md §5.3): DynamoDB throttled and unreachable, injected with an SDK middleware on
// the live server's own client and the attempt hook of its wire client (inside each one's retry loop).
// What must hold: Twilio never gets an invalid answer (no "application error"), every turn the caller
// was answered for is stored exactly once after recovery (a redelivered webhook adds nothing), and the
// data is consistent afterwards.
// What the design gives during a full outage is measured, not assumed: a Gather turn the store cannot
// take is answered "say that again" with a Gather for the same turn number (the call goes on, the turn
// is taken when the caller repeats it); a relay turn is answered with an apology and the socket stays
// open.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/twiml-parser.js';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { injectSdkFaults, seededRandom, type SdkFaultInjector } from './support/sdk-faults.js';
import { openRelayCall } from './support/relay-call.js';

const SEED = 20_240_611;
const FALLBACK = 'Sorry, we are having trouble right now';
const ASK_AGAIN = "Sorry, I'm having a little trouble. Could you say that again?";
const OUR_NUMBER = '+14155550100';
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand']);

let server: LiveServer;
let faults: SdkFaultInjector;

beforeAll(async () => {
  server = await startLiveServer();
  faults = injectSdkFaults(server.container.dynamo.client, server.container.dynamo.wire);
});
afterEach(() => faults.heal());
afterAll(async () => {
  faults?.remove();
  await server?.close();
});

const caller = (n: number) => `+1415555${String(1000 + n).padStart(4, '0')}`;

interface GatherTurnRecord {
  seq: number;
  speech: string;
  answered: 'line' | 'ask-again' | 'fallback';
}

/** The Gather turns of a simulated call: what the caller said and whether our answer was a real line. */
function gatherTurns(call: SimulatedCall): GatherTurnRecord[] {
  return call.exchanges
    .filter((exchange) => exchange.kind === 'action' && exchange.response.status === 200)
    .map((exchange) => {
      const seq = Number(new URL(exchange.request.publicUrl).searchParams.get('seq'));
      const speech = String(exchange.request.params.SpeechResult ?? '');
      const body = exchange.response.body;
      const answered = body.includes(FALLBACK) ? 'fallback' : body.includes(ASK_AGAIN) ? 'ask-again' : 'line';
      return { seq, speech, answered };
    });
}

/** Every answered turn stored once with the caller's words; no caller line stored twice; seqs contiguous. */
async function checkStored(call: SimulatedCall) {
  const turns = await server.container.callStore.listTurns(call.callSid);
  const item = await server.container.callStore.get(call.callSid);
  if (!item) {
    // The call could not even be created: the caller heard the fallback apology, never an error.
    expect(turns).toEqual([]);
    expect(call.exchanges[0]?.response.body).toContain('<Hangup/>');
    return { answered: 0, stored: 0 };
  }
  const seqs = turns.map((t) => t.seq);
  expect(seqs).toEqual([...seqs.keys()]);
  const said = turns.map((t) => t.caller_text).filter((text) => text !== undefined);
  expect(new Set(said).size).toBe(said.length);
  const answered = gatherTurns(call).filter((t) => t.answered === 'line');
  for (const turn of answered) {
    expect(turns.find((t) => t.seq === turn.seq)?.caller_text).toBe(turn.speech);
  }
  // A turn is stored before it is counted on the call, and the count can fail after the caller was
  // answered; the next turn folds it in, and the end of the call counts whatever still lags
  // (checkCountedAfterHangUp). Mid-call the count never runs ahead of the stored turns.
  expect(item.turn_count).toBeLessThanOrEqual(turns.length);
  return { answered: answered.length, stored: turns.length };
}

/** The caller hangs up; once the call is finalized, the call item counts every stored turn. */
async function checkCountedAfterHangUp(call: SimulatedCall) {
  await call.hangUp();
  await server.container.finalizer.drain();
  const turns = await server.container.callStore.listTurns(call.callSid);
  const item = await server.container.callStore.get(call.callSid);
  if (!item) {
    // Only a call that could not even be created has no item: the caller heard the fallback.
    expect(turns).toEqual([]);
    expect(call.exchanges[0]?.response.body).toContain('<Hangup/>');
    return;
  }
  expect(item.summary).toBeDefined();
  expect(item.turn_count).toBe(turns.length);
}

describe('DynamoDB throttled', () => {
  it('absorbs a few throttled requests per turn with the SDK retries: the caller hears every line', async () => {
    const call = await server.simulator.startCall({ direction: 'inbound', from: caller(1), to: OUR_NUMBER });
    const before = faults.counts.failed;
    for (let turn = 1; turn <= 5; turn += 1) {
      faults.failNext(2, 'throttle');
      await call.say(`line ${turn} question`);
      expect(call.hear()).not.toContain(FALLBACK);
    }
    expect(faults.counts.failed - before).toBe(10);
    expect(call.ended).toBe(false);
    expect(call.applicationErrors).toEqual([]);
    expect(await checkStored(call)).toEqual({ answered: 5, stored: 6 });
    await checkCountedAfterHangUp(call);
  });

  it('30% of writes throttled during 10 concurrent calls: answered turns stored once, none invalid', async () => {
    faults.failRate(0.3, 'throttle', seededRandom(SEED), (operation) => WRITES.has(operation));
    const before = faults.counts.failed;
    const calls = await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        const call = await server.simulator.startCall({
          direction: 'inbound',
          from: caller(100 + n),
          to: OUR_NUMBER,
        });
        for (let turn = 1; turn <= 5 && !call.ended; turn += 1)
          await call.say(`call ${n} line ${turn} question`);
        return call;
      }),
    );
    const injected = faults.counts.failed - before;
    faults.heal();
    let answered = 0;
    let fallbacks = 0;
    let askedAgain = 0;
    let stored = 0;
    for (const call of calls) {
      expect(call.applicationErrors).toEqual([]);
      const counts = await checkStored(call);
      answered += counts.answered;
      stored += counts.stored;
      fallbacks += gatherTurns(call).filter((t) => t.answered === 'fallback').length;
      askedAgain += gatherTurns(call).filter((t) => t.answered === 'ask-again').length;
      if (!call.ended) expect(call.state).toBe('awaiting-input');
      // The voice webhook either greeted or apologised; never an error page.
      expect(call.exchanges.every((e) => e.response.status < 500)).toBe(true);
    }
    for (const call of calls) await checkCountedAfterHangUp(call);
    console.info(
      `[F7] seed ${SEED}: ${injected} throttled writes; ${answered} turns answered and stored once, ` +
        `${askedAgain} answered "say that again" (same turn asked again, call goes on), ${fallbacks} ` +
        `fallback apologies (call ended); ${stored} turns stored in all`,
    );
    expect(answered).toBeGreaterThan(0);
    expect(fallbacks).toBe(0);
  });
});

describe('DynamoDB unreachable (ECONNREFUSED) for a while', () => {
  it('Gather: the turn in the outage is asked again (valid TwiML, fast), the call goes on and nothing is lost', async () => {
    const call = await server.simulator.startCall({ direction: 'inbound', from: caller(2), to: OUR_NUMBER });
    await call.say('line 1 question');
    faults.outage('refused');
    const started = performance.now();
    await call.say('line 2 question');
    const waitedMs = performance.now() - started;
    const heardDuring = call.hear();
    // A new call during the outage: the voice webhook answers the apology, well within Twilio's 15 s.
    const startedNew = performance.now();
    const fresh = await server.simulator.startCall({ direction: 'inbound', from: caller(3), to: OUR_NUMBER });
    const voiceMs = performance.now() - startedNew;
    // A status callback and the admin API during the outage: 503 JSON with Retry-After, never HTML.
    const status = await server.simulator.post(`${PUBLIC_URL}/twilio/status`, {
      AccountSid: server.container.secrets.twilioAccountSid,
      CallSid: call.callSid,
      CallStatus: 'in-progress',
      SequenceNumber: '1',
    });
    const admin = await fetch(`${server.url}/calls?limit=5`, { headers: server.auth });
    faults.heal();
    // The caller repeats; the same turn number is taken now.
    await call.say('line 2 question again');
    await call.say('line 3 question');

    console.info(
      `[F8] gather turn during the outage answered in ${Math.round(waitedMs)} ms ("${heardDuring}"), new call's ` +
        `voice webhook in ${Math.round(voiceMs)} ms (fallback apology), status callback ${status.status}, admin API ${admin.status}`,
    );
    expect(heardDuring).toBe(ASK_AGAIN);
    expect(waitedMs).toBeLessThan(3_000);
    expect(call.ended).toBe(false);
    expect(call.applicationErrors).toEqual([]);
    expect(fresh.hear()).toContain(FALLBACK);
    expect(fresh.applicationErrors).toEqual([]);
    expect(voiceMs).toBeLessThan(3_000);
    expect(status.status).toBe(503);
    expect(status.contentType).toContain('application/json');
    expect(admin.status).toBe(503);
    expect(admin.headers.get('retry-after')).toBeTruthy();

    const turns = await server.container.callStore.listTurns(call.callSid);
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'line 1 question'],
      [2, 'line 2 question again'],
      [3, 'line 3 question'],
    ]);
    expect(await checkStored(call)).toEqual({ answered: 3, stored: 4 });
    // Twilio redelivers an answered webhook (its retry after a timeout): same answer, no new turn.
    const first = call.exchanges.find((e) => e.kind === 'action')!;
    const again = await server.simulator.post(first.request.publicUrl, first.request.params);
    expect(again.status).toBe(200);
    expect(parseTwiml(again.body)).toEqual(parseTwiml(first.response.body));
    expect(await server.container.callStore.listTurns(call.callSid)).toHaveLength(4);
    await checkCountedAfterHangUp(call);
  });

  it('relay: turns during the outage get the apology and the socket stays open; the call carries on after', async () => {
    const opened = await openRelayCall({
      simulator: server.simulator,
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      authToken: server.container.secrets.twilioAuthToken,
      agentId: 'default',
      to: caller(4),
    });
    const { client } = opened;
    const before = await client.prompt('line 1 question');
    expect(before.text).not.toMatch(/having trouble/);
    faults.outage('refused');
    const during = [await client.prompt('line 2 question'), await client.prompt('line 3 question')];
    faults.heal();
    const after = await client.prompt('line 4 question');
    await client.close();

    for (const reply of during) {
      expect(reply.text).toMatch(/having trouble/);
      expect(reply.lastTokenMs! - reply.requestedMs).toBeLessThan(3_000);
    }
    expect(after.text).not.toMatch(/having trouble/);
    expect(client.invalidMessages).toEqual([]);
    const turns = await server.container.callStore.listTurns(opened.call.callSid);
    const said = turns.map((t) => t.caller_text);
    console.info(
      `[F8] relay: ${during.length} turns during the outage answered with the apology (not stored: the caller ` +
        `was asked to repeat); stored afterwards: ${JSON.stringify(said)}`,
    );
    expect(said).toEqual([undefined, 'line 1 question', 'line 4 question']);
    // The session gave the failed inputs turn numbers it then could not store: gaps, never reuse.
    const seqs = turns.map((t) => t.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect((await server.container.callStore.get(opened.call.callSid))?.turn_count).toBe(seqs.at(-1)! + 1);
  });
});
