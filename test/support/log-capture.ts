// A pino logger that keeps every record in memory, for tests that assert what was (not) logged.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions, type Logger } from '../../src/logger.js';

export interface LogRecord {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** pino's numeric levels. */
export const LOG_LEVELS = { warn: 40, error: 50, fatal: 60 } as const;

export interface LogCapture {
  logger: Logger;
  records: LogRecord[];
  /** Records at `error` or worse. */
  errors(): LogRecord[];
}

export function captureLogs(level = 'info'): LogCapture {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) records.push(JSON.parse(line) as LogRecord);
      }
      done();
    },
  });
  return {
    logger: pino(loggerOptions(level), sink),
    records,
    errors: () => records.filter((record) => record.level >= LOG_LEVELS.error),
  };
}
