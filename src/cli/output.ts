// How commands talk to people and scripts: aligned tables (or YAML for one record) on stdout,
// JSON with --json, and one-line errors on stderr with an exit code (2 bad input, 1 otherwise).
import { stringify } from 'yaml';
import { AppError, type FieldIssue } from '../domain/errors.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row) ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((r) => r[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): void {
  process.stdout.write(`${rows.length === 0 ? empty : formatTable(rows, columns)}\n`);
}

export function printRecord(value: unknown): void {
  process.stdout.write(stringify(value, { lineWidth: 0 }));
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** An error meant for the person at the terminal: printed as is, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const badInput = (message: string, issues: FieldIssue[] = []) => new CliError(message, 2, issues);

const EXIT_BY_CODE: Partial<Record<AppError['code'], number>> = { validation: 2 };

/** Prints `error` on stderr and returns the exit code. */
export function reportError(error: unknown, debug = false): number {
  let message: string;
  let issues: FieldIssue[] = [];
  let exitCode = 1;
  if (error instanceof CliError) {
    ({ message, issues, exitCode } = error);
  } else if (error instanceof AppError) {
    issues = error.issues;
    exitCode = EXIT_BY_CODE[error.code] ?? 1;
    message = issues.length > 1 ? 'invalid input' : error.message;
    if (issues.length === 1) issues = [];
  } else {
    message = error instanceof Error ? error.message : String(error);
  }
  const lines = [`error: ${message}`, ...issues.map((issue) => `  ${issue.field}: ${issue.message}`)];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  process.stderr.write(`${lines.join('\n')}\n`);
  return exitCode;
}
