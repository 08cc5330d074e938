import { describe, expect, it } from 'vitest';
import { sseData } from './sse-events.js';

async function dataOf(chunks: (string | Uint8Array)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(data);
  return out;
}

describe('sseData', () => {
  it('yields each event’s data, however the bytes are split', async () => {
    const text = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    const expected = ['{"a":1}', '{"b":2}', '[DONE]'];
    expect(await dataOf([text])).toEqual(expected);
    expect(await dataOf([...text])).toEqual(expected);
  });

  it('joins multi-line data, skips comments and other fields, takes CRLF and "data:" without a space', async () => {
    expect(
      await dataOf([': ping\r\n\r\nevent: delta\r\nid: 7\r\ndata: one\r\ndata:two\r\nretry: 10\r\n\r\n']),
    ).toEqual(['one\ntwo']);
  });

  it('decodes a character split between chunks, and keeps a last event without its blank line', async () => {
    const bytes = new TextEncoder().encode('data: héllo 👋\n\ndata: last');
    expect(await dataOf([bytes.slice(0, 8), bytes.slice(8, 15), bytes.slice(15)])).toEqual([
      'héllo 👋',
      'last',
    ]);
  });

  it('yields nothing for a stream of blank lines and comments', async () => {
    expect(await dataOf(['\n\n: x\n\n'])).toEqual([]);
  });
});
