import { describe, expect, it } from 'vitest';
import { TextQueue } from './text-queue.js';

describe('TextQueue', () => {
  it('keeps pieces pushed before anyone reads, and ends on close', async () => {
    const queue = new TextQueue();
    queue.push('a');
    queue.push('');
    queue.push('b');
    queue.close();
    queue.push('ignored');
    const out: string[] = [];
    for await (const piece of queue) out.push(piece);
    expect(out).toEqual(['a', 'b']);
  });

  it('wakes a waiting reader', async () => {
    const queue = new TextQueue();
    const reading = (async () => {
      const out: string[] = [];
      for await (const piece of queue) out.push(piece);
      return out;
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.push('late');
    queue.close();
    expect(await reading).toEqual(['late']);
  });
});
