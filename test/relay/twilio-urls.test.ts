// URLs Twilio will sign the same way (issue 12, item 12): every URL the real routes hand Twilio (the
// relay socket and action URLs, the Gather action, the redirect of a slow turn) has its query keys in
// sorted order, because Twilio may reorder a query before signing it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml, type TwimlVerb } from '../../src/simulator/twiml-parser.js';
import { PUBLIC_URL, startRelayHarness, type RelayHarness } from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

// Slower than the lowered webhook deadline (at least 500 ms), so the gather turn is redirected.
const slow = new StreamingTestPolicy(() => ({ text: 'One two three four five six seven eight.' }), 150);

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({ streaming: slow, webhookDeadlineMs: 100 });
  await h.createAgent('stream-gather', { transport: 'gather' });
  await h.createAgent('stream-relay-urls');
});
afterAll(() => h.close());

/** Every URL in a TwiML document: action and socket URLs, and the text of a <Redirect>. */
function urlsOf(verbs: TwimlVerb[]): string[] {
  return verbs.flatMap((verb) => {
    switch (verb.verb) {
      case 'gather':
        return verb.action ? [verb.action] : [];
      case 'redirect':
        return [verb.url];
      case 'connect':
        return [...(verb.action ? [verb.action] : []), ...(verb.relay ? [verb.relay.url] : [])];
      default:
        return [];
    }
  });
}

const queryKeys = (url: string) => [...new URL(url).searchParams.keys()];
const sorted = (keys: string[]) => [...keys].sort();

describe('URLs handed to Twilio', () => {
  it('the relay socket URL names the call with its query keys sorted, on answer and on reconnect', async () => {
    const { call, callSid } = await h.startCall('stream-relay-urls');
    const relayUrl = call.relay!.url;
    expect(queryKeys(relayUrl)).toEqual(['call_sid', 'reconnect', 't']);
    expect(new URL(relayUrl).searchParams.get('call_sid')).toBe(callSid);
    await call.endRelay({ sessionStatus: 'failed', errorCode: 64105 });
    const reconnect = call.exchanges.find((exchange) => exchange.kind === 'relay-action')!;
    const urls = urlsOf(parseTwiml(reconnect.response.body));
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(queryKeys(url), url).toEqual(sorted(queryKeys(url)));
  });

  it('a slow Gather turn is redirected to /twilio/gather/result?round=1&seq=1, not seq=1&round=1', async () => {
    const call = await h.placeCall('stream-gather');
    await call.say('Hello.');
    // Still not ready when the result URL had waited as long again: one more short line came first.
    expect(call.hear()).toMatch(/^(One moment\.\.\. )?One two three four five six seven eight\.$/);
    const redirects = call.exchanges.filter((exchange) => exchange.kind === 'redirect');
    expect(redirects.length).toBeGreaterThan(0);
    expect(redirects[0]!.request.publicUrl).toBe(`${PUBLIC_URL}/twilio/gather/result?round=1&seq=1`);
    const urls = call.exchanges.flatMap((exchange) => urlsOf(parseTwiml(exchange.response.body)));
    expect(urls).toContain(`${PUBLIC_URL}/twilio/gather?seq=2`);
    for (const url of urls) expect(queryKeys(url), url).toEqual(sorted(queryKeys(url)));
  });
});
