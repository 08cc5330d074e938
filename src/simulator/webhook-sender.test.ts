import { describe, expect, it } from 'vitest';
import { SimulatorError, WebhookSender } from './webhook-sender.js';

const sender = new WebhookSender({
  serverUrl: 'http://127.0.0.1:4000/',
  publicUrl: 'https://agent.example.com',
  authToken: 'token',
});

describe('WebhookSender.toServerUrl', () => {
  it.each([
    ['https://agent.example.com/twilio/voice', 'http://127.0.0.1:4000/twilio/voice'],
    ['https://agent.example.com/twilio/gather?seq=2', 'http://127.0.0.1:4000/twilio/gather?seq=2'],
    ['https://agent.example.com', 'http://127.0.0.1:4000'],
    ['wss://agent.example.com/twilio/relay', 'ws://127.0.0.1:4000/twilio/relay'],
  ])('maps %s', (url, expected) => {
    expect(sender.toServerUrl(url)).toBe(expected);
  });

  it.each([
    'https://agent.example.com.evil.test/twilio/voice',
    'https://agent.example.comx/twilio/voice',
    'http://agent.example.com/twilio/voice',
    'https://other.example.com/twilio/voice',
  ])('refuses %s', (url) => {
    expect(() => sender.toServerUrl(url)).toThrow(SimulatorError);
  });
});

describe('WebhookSender.prepare', () => {
  it('form-encodes repeated keys and drops the #fragment before signing', () => {
    const prepared = sender.prepare('POST', 'https://agent.example.com/twilio/status#rc=2', {
      A: ['1', '2'],
      B: 'x y',
    });
    expect(prepared.publicUrl).toBe('https://agent.example.com/twilio/status');
    expect(prepared.body).toBe('A=1&A=2&B=x+y');
    expect(prepared.headers['x-twilio-signature']).toBe(
      sender.sign('https://agent.example.com/twilio/status', { A: ['1', '2'], B: 'x y' }),
    );
  });

  it('signs a GET over the URL with its query and no body parameters', () => {
    const prepared = sender.prepare('GET', 'https://agent.example.com/twilio/voice?x=1', { CallSid: 'CA1' });
    expect(prepared.publicUrl).toBe('https://agent.example.com/twilio/voice?x=1&CallSid=CA1');
    expect(prepared.body).toBeUndefined();
    expect(prepared.headers['x-twilio-signature']).toBe(sender.sign(prepared.publicUrl, {}));
  });
});
