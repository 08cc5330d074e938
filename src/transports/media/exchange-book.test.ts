import { describe, expect, it } from 'vitest';
import { BOOK_KEEPS, ExchangeBook } from './exchange-book.js';

describe('ExchangeBook', () => {
  it('finds an exchange by its caller item and by the responses that answer it', () => {
    const book = new ExchangeBook();
    const exchange = book.open('item_caller_1');
    expect(book.answering()).toBeUndefined();
    expect(book.forResponse('resp_1', false)).toBe(exchange);
    expect(book.byItem('item_caller_1')).toBe(exchange);
    expect(book.byResponse('resp_1')).toBe(exchange);
    expect(book.answering()).toBe(exchange);
    // An engine line's response answers no exchange.
    expect(book.forResponse('resp_line', true)).toBeUndefined();
  });

  it('keeps only the newest exchanges, responses and transcripts of a long call', () => {
    const book = new ExchangeBook();
    const turns = BOOK_KEEPS * 20;
    for (let i = 0; i < turns; i += 1) {
      const exchange = book.open(`item_caller_${i}`);
      expect(book.forResponse(`resp_${i}`, false)).toBe(exchange);
      exchange.replied = true;
      book.setTranscript(`item_agent_${i}`, `reply ${i}`);
    }
    const last = turns - 1;
    expect(book.byItem(`item_caller_${last}`)).toBe(book.current);
    expect(book.byResponse(`resp_${last}`)).toBe(book.current);
    expect(book.transcript(`item_agent_${last}`)).toBe(`reply ${last}`);
    expect(book.byItem(`item_caller_${last - BOOK_KEEPS + 1}`)).toBeDefined();
    expect(book.byItem(`item_caller_${last - BOOK_KEEPS}`)).toBeUndefined();
    expect(book.byResponse('resp_0')).toBeUndefined();
    expect(book.transcript('item_agent_0')).toBeUndefined();
    expect(book.answering()).toBe(book.current);
  });
});
