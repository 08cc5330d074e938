import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  encodeRelayText,
  relayOutboundSchema,
  type RelayOutbound,
} from './relay-codec.js';

interface Fixtures {
  valid: { name: string; message: unknown; expected: unknown }[];
  junk: { name: string; message?: unknown; raw?: string; reason: string }[];
}
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/relay-messages.json', import.meta.url), 'utf8'),
) as Fixtures;

describe('decodeRelayMessage', () => {
  it.each(fixtures.valid.map((fixture) => [fixture.name, fixture] as const))(
    'decodes %s',
    (_name, fixture) => {
      expect(decodeRelayMessage(JSON.stringify(fixture.message))).toStrictEqual({
        ok: true,
        event: fixture.expected,
      });
    },
  );

  it.each(fixtures.junk.map((fixture) => [fixture.name, fixture] as const))(
    'rejects %s',
    (_name, fixture) => {
      const result = decodeRelayMessage(fixture.raw ?? JSON.stringify(fixture.message));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain(fixture.reason);
    },
  );

  it('decodes a Buffer frame as UTF-8', () => {
    const frame = Buffer.from(JSON.stringify({ type: 'prompt', voicePrompt: 'नमस्ते', lang: 'hi-IN' }), 'utf8');
    expect(decodeRelayMessage(frame)).toStrictEqual({
      ok: true,
      event: { type: 'caller-prompt', text: 'नमस्ते', lang: 'hi-IN', last: true },
    });
  });

  it('keeps personal data out of failure reasons', () => {
    const bad = {
      type: 'setup',
      sessionId: 'VX1',
      accountSid: 'AC1',
      callSid: 'CA1',
      from: '+18005550100',
      customParameters: { caller: 18005550100 },
    };
    const result = decodeRelayMessage(JSON.stringify(bad));
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) {
      expect(result.reason).toContain('customParameters.caller');
      expect(result.reason).not.toMatch(/555/u);
    }
    const prompt = decodeRelayMessage(
      JSON.stringify({ type: 'prompt', voicePrompt: 'my card is 4111', last: 'no' }),
    );
    if (!prompt.ok) expect(prompt.reason).not.toContain('4111');
    else expect.fail('a prompt with last:"no" must be rejected');
  });

  it('cannot replace the prototype through customParameters', () => {
    const raw =
      '{"type":"setup","sessionId":"VX1","accountSid":"AC1","callSid":"CA1","from":"a","to":"b",' +
      '"direction":"inbound","customParameters":{"__proto__":{"isAdmin":"yes"},"agent_id":"a1"}}';
    const result = decodeRelayMessage(raw);
    expect(result.ok).toBe(true);
    if (result.ok && result.event.type === 'session-setup') {
      const parameters = result.event.customParameters as Record<string, unknown>;
      expect(parameters.isAdmin).toBeUndefined();
      expect(parameters.agent_id).toBe('a1');
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('encodeRelayText', () => {
  it.each([
    ['a streamed token', 'Your order ', false, undefined],
    ['the last, empty token', '', true, undefined],
    ['a preemptible filler', 'One moment... ', false, true],
    ['quotes, newlines, emoji and Hindi', 'Say "hi"\n👋 नमस्ते', false, undefined],
  ])('writes %s as encodeRelayMessage does', (_name, token, last, preemptible) => {
    const message: RelayOutbound = { type: 'text', token, last, ...(preemptible ? { preemptible } : {}) };
    expect(encodeRelayText(token, last, preemptible)).toBe(encodeRelayMessage(message));
    expect(relayOutboundSchema.safeParse(JSON.parse(encodeRelayText(token, last, preemptible))).success).toBe(
      true,
    );
  });

  it('refuses an empty token that is not the last', () => {
    expect(() => encodeRelayText('', false)).toThrow(AppError);
  });
});

describe('encodeRelayMessage', () => {
  const valid: [string, RelayOutbound, Record<string, unknown>][] = [
    ['a streamed token', { type: 'text', token: 'Your order ', last: false }, {}],
    [
      'the last token with options',
      { type: 'text', token: 'shipped.', last: true, lang: 'en-US', interruptible: true, preemptible: false },
      {},
    ],
    ['an empty last token (closes the talk cycle)', { type: 'text', token: '', last: true }, {}],
    ['a Hindi token', { type: 'text', token: 'आपका ऑर्डर भेज दिया गया है। ', last: false, lang: 'hi-IN' }, {}],
    ['play', { type: 'play', source: 'https://example.com/hold.mp3', loop: 2, interruptible: true }, {}],
    ['sendDigits with pauses', { type: 'sendDigits', digits: '1234wW#*' }, {}],
    ['language switch', { type: 'language', ttsLanguage: 'hi-IN', transcriptionLanguage: 'hi-IN' }, {}],
    ['end without handoff', { type: 'end' }, {}],
    [
      'end with handoff data',
      { type: 'end', handoffData: JSON.stringify({ reasonCode: 'live-agent-handoff', target: 'sales' }) },
      {},
    ],
  ];
  it.each(valid)('serializes %s exactly', (_name, message) => {
    expect(JSON.parse(encodeRelayMessage(message))).toStrictEqual(message);
  });

  it('omits optional fields left undefined', () => {
    expect(encodeRelayMessage({ type: 'text', token: 'Hi', last: false, lang: undefined })).toBe(
      '{"type":"text","token":"Hi","last":false}',
    );
  });

  const invalid: [string, unknown, string][] = [
    ['a non-string token', { type: 'text', token: 42, last: false }, 'token'],
    ['an undefined token', { type: 'text', last: true }, 'token'],
    ['an empty token that is not last', { type: 'text', token: '', last: false }, 'token'],
    ['text without last', { type: 'text', token: 'Hi' }, 'last'],
    [
      'a string interruptible',
      { type: 'text', token: 'Hi', last: true, interruptible: 'any' },
      'interruptible',
    ],
    ['an unknown field', { type: 'text', token: 'Hi', last: true, voice: 'Polly.Joanna' }, ''],
    ['play over http', { type: 'play', source: 'http://example.com/hold.mp3' }, 'source'],
    ['play with a relative source', { type: 'play', source: '/hold.mp3' }, 'source'],
    ['play with a negative loop', { type: 'play', source: 'https://example.com/a.mp3', loop: -1 }, 'loop'],
    ['sendDigits with letters', { type: 'sendDigits', digits: '12ab' }, 'digits'],
    ['sendDigits empty', { type: 'sendDigits', digits: '' }, 'digits'],
    ['language with nothing to switch', { type: 'language' }, ''],
    ['end with object handoffData', { type: 'end', handoffData: { reasonCode: 'x' } }, 'handoffData'],
    ['an unknown type', { type: 'media', payload: 'AAAA' }, 'type'],
  ];
  it.each(invalid)('throws AppError(internal) for %s', (_name, message, field) => {
    let caught: unknown;
    try {
      encodeRelayMessage(message as RelayOutbound);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('internal');
    if (field) expect((caught as AppError).issues.map((issue) => issue.field)).toContain(field);
  });

  it('round-trips what it encodes through JSON without loss', () => {
    const token = 'Emoji 👋, RTL שלום, zero-width\u200b and "quotes"\n';
    expect(JSON.parse(encodeRelayMessage({ type: 'text', token, last: false })).token).toBe(token);
  });

  it('accepts and writes a text message exactly as the schema does', () => {
    const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
    const anything = fc.oneof(fc.string({ maxLength: 40 }), fc.boolean(), fc.integer(), fc.constant(null));
    const textLike = fc.record(
      {
        type: fc.constant('text'),
        token: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), anything),
        last: fc.oneof(fc.boolean(), anything),
        lang: maybe(
          fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 33, maxLength: 37 }), anything),
        ),
        interruptible: maybe(fc.oneof(fc.boolean(), anything)),
        preemptible: maybe(fc.oneof(fc.boolean(), anything)),
        voice: anything,
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(textLike, (message) => {
        const expected = relayOutboundSchema.safeParse(message);
        let encoded: string | undefined;
        try {
          encoded = encodeRelayMessage(message as RelayOutbound);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
        expect(encoded).toBe(expected.success ? JSON.stringify(expected.data) : undefined);
      }),
      { numRuns: 2_000 },
    );
  });
});
