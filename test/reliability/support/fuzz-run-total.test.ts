// The run total of fuzz cases is summed across forked processes through files; these checks make sure
// the sum is only declared complete when every fuzz file reported, so it cannot pass vacuously.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fuzzFiles, recordFuzzCount, runFolder } from './fuzz-run-total.js';

const folders: string[] = [];
const freshFolder = () => {
  const base = mkdtempSync(join(tmpdir(), 'fuzz-run-total-test-'));
  folders.push(base);
  return join(base, 'run');
};
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

it('finds the fuzz files of test/reliability (a full run holds all of them)', () => {
  expect(fuzzFiles()).toEqual(['fuzz-admin', 'fuzz-relay', 'fuzz-twilio']);
});

it('is incomplete until every expected file reported, then sums them and clears the folder', () => {
  const folder = freshFolder();
  const expected = ['fuzz-a', 'fuzz-b', 'fuzz-c'];
  expect(recordFuzzCount('fuzz-a', 6_000, { folder, expected })).toMatchObject({
    complete: false,
    missing: ['fuzz-b', 'fuzz-c'],
  });
  expect(recordFuzzCount('fuzz-c', 700, { folder, expected })).toMatchObject({
    complete: false,
    missing: ['fuzz-b'],
    sum: 6_700,
  });
  expect(recordFuzzCount('fuzz-b', 4_000, { folder, expected })).toMatchObject({
    complete: true,
    missing: [],
    sum: 10_700,
  });
  expect(existsSync(folder)).toBe(false);
});

it('never counts a record left by an earlier run, and a file reporting twice counts once', () => {
  const folder = freshFolder();
  const expected = ['fuzz-a', 'fuzz-b'];
  const now = Date.now();
  recordFuzzCount('fuzz-a', 9_000, { folder, expected, now: now - 60 * 60_000 });
  expect(recordFuzzCount('fuzz-b', 3_000, { folder, expected, now })).toMatchObject({
    complete: false,
    missing: ['fuzz-a'],
  });
  expect(recordFuzzCount('fuzz-b', 3_000, { folder, expected, now }).sum).toBe(3_000);
});

it('names the run folder after the vitest process that owns the run', () => {
  expect(runFolder()).toContain(String(process.ppid));
});
