import { describe, expect, it } from 'vitest';
import { keysTwilioPosts } from './gather-keys.js';

describe('keysTwilioPosts', () => {
  it('posts the keys before finishOnKey (default #), without it', () => {
    expect(keysTwilioPosts('4155550100#', {})).toEqual({ digits: '4155550100', finishedOnKey: '#' });
    expect(keysTwilioPosts('12*34', { finishOnKey: '*' })).toEqual({ digits: '12', finishedOnKey: '*' });
  });

  it('stops at numDigits, and takes every key when finishOnKey is empty', () => {
    expect(keysTwilioPosts('123456#', { numDigits: '4' })).toEqual({ digits: '1234', finishedOnKey: '' });
    expect(keysTwilioPosts('12#3', { finishOnKey: '' })).toEqual({ digits: '12#3', finishedOnKey: '' });
  });
});
