import { describe, expect, it } from 'vitest';
import { parseTemplate, templateStrings } from './tool-templates.js';

describe('tool templates', () => {
  it('reads arguments, call context, secrets and anything else as unknown', () => {
    expect(
      parseTemplate('https://x/{order_id}?c={{call.sid}}&k={{ secret.API_KEY }}&z={{env.HOME}}'),
    ).toEqual([
      { kind: 'text', text: 'https://x/' },
      { kind: 'argument', name: 'order_id' },
      { kind: 'text', text: '?c=' },
      { kind: 'context', name: 'call.sid' },
      { kind: 'text', text: '&k=' },
      { kind: 'secret', name: 'API_KEY' },
      { kind: 'text', text: '&z=' },
      { kind: 'unknown', name: 'env.HOME' },
    ]);
    // Braces that are not a placeholder stay text; a lower-case secret name is not a secret.
    expect(parseTemplate('{ "a": 1 } {{secret.lower}}')).toEqual([
      { kind: 'text', text: '{ "a": 1 } ' },
      { kind: 'unknown', name: 'secret.lower' },
    ]);
  });

  it('finds every string of a JSON body with its path', () => {
    expect(templateStrings({ a: '{x}', b: [1, '{{call.sid}}'], c: { d: true } }, ['body'])).toEqual([
      { path: ['body', 'a'], text: '{x}' },
      { path: ['body', 'b', 1], text: '{{call.sid}}' },
    ]);
  });
});
