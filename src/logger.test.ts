import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger.js';

describe('logger redaction', () => {
  it('redacts personal data and secrets under structured keys, top level and one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino(loggerOptions('info'), sink);
    log.info(
      {
        agent_phone: '+14155550100',
        params: { From: '+14155550111', SpeechResult: 'my email is a@b.co', CallSid: 'CA123' },
        turn: { caller_text: 'hello', agent_text: 'hi' },
        req: { headers: { authorization: 'Bearer secret-key', 'x-twilio-signature': 'sig' } },
      },
      'turn stored',
    );
    const line = lines.join('');
    for (const secret of ['+14155550100', '+14155550111', 'a@b.co', 'hello', 'secret-key', '"sig"']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('CA123');
    expect(line).toContain('[redacted]');
  });
});
