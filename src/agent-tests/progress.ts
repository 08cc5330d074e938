// Progress on stderr while scenarios run: on a terminal one line rewritten in place; elsewhere (CI
// logs, pipes) one line per finished scenario, since carriage returns make a mess of log files.
import { resultLine, STATUS_LABEL, type ScenarioResult } from './report.js';

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

export function createProgress(sink: ProgressSink) {
  let failed = 0;
  let shown = false;
  return {
    onStart(total: number) {
      if (sink.isTTY) {
        sink.write(`\r\x1b[K[0/${total}] running…`);
        shown = true;
      }
    },
    onResult(result: ScenarioResult, finished: number, total: number) {
      if (result.status === 'fail') failed += 1;
      if (!sink.isTTY) {
        sink.write(`${resultLine(result)}\n`);
        return;
      }
      const failures = failed > 0 ? `, ${failed} failed` : '';
      sink.write(
        `\r\x1b[K[${finished}/${total}${failures}] ${STATUS_LABEL[result.status]} ${result.scenario}`,
      );
      shown = true;
    },
    /** Clears the in-place line before the table is printed. */
    done() {
      if (sink.isTTY && shown) sink.write('\r\x1b[K');
    },
  };
}
