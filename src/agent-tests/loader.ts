// Finds and reads agent test files (a file, or every *.yaml/*.yml/*.json under a folder), validates
// them, and reports every problem at once as `file:line:column: path: message`.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { suiteFileSchema, type SuiteFile } from './schema.js';
import { positionOf } from './source-positions.js';

const SUITE_FILE = /\.(ya?ml|json)$/i;
// A suite file is hand-written; anything larger is a mistake (or not a suite).
const MAX_FILE_BYTES = 1_000_000;

export interface LoadedSuite extends SuiteFile {
  /** The file as given or found, relative to the working directory when inside it. */
  file: string;
}

export interface SuiteIssue {
  file: string;
  line?: number;
  column?: number;
  /** Where in the file's structure, e.g. scenarios[2].expect.ended_by. */
  path?: string;
  message: string;
}

export class SuiteFileError extends Error {
  constructor(readonly issues: SuiteIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'SuiteFileError';
  }
}

export function formatIssue(issue: SuiteIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function displayName(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
}

/** Parses and validates one suite's text; `file` names it in the issues. */
export function parseSuite(text: string, file: string): { suite?: LoadedSuite; issues: SuiteIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      issues: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          file,
          line,
          column: col,
          message: error.message.split('\n')[0] ?? error.message,
        };
      }),
    };
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined)
    return { issues: [{ file, line: 1, column: 1, message: 'the file is empty' }] };
  const parsed = suiteFileSchema.safeParse(data);
  if (parsed.success) return { suite: { ...parsed.data, file }, issues: [] };
  return {
    issues: parsed.error.issues.map((issue: z.core.$ZodIssue) => {
      const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const { line, column } = positionOf(document, lineCounter, path, unknownKey);
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message;
      return { file, line, column, ...(path.length > 0 ? { path: pathText(path) } : {}), message };
    }),
  };
}

async function suiteFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && SUITE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every suite under `paths` (files or folders), or a SuiteFileError listing every problem. */
export async function loadSuites(paths: readonly string[]): Promise<LoadedSuite[]> {
  const issues: SuiteIssue[] = [];
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) issues.push({ file: path, message: 'no such file or folder' });
    else if (info.isDirectory()) {
      const found = await suiteFilesUnder(path);
      if (found.length === 0) issues.push({ file: path, message: 'no .yaml, .yml or .json test files here' });
      files.push(...found);
    } else files.push(path);
  }
  const suites: LoadedSuite[] = [];
  for (const path of [...new Set(files)]) {
    const file = displayName(path);
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) {
      issues.push({ file, message: `larger than ${MAX_FILE_BYTES} bytes` });
      continue;
    }
    const result = parseSuite(await readFile(path, 'utf8'), file);
    issues.push(...result.issues);
    if (result.suite) suites.push(result.suite);
  }
  if (issues.length > 0) throw new SuiteFileError(issues);
  return suites;
}
