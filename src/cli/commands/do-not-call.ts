// `voice-agent dnc add|remove|check|list|import`: the project's do-not-call list.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DoNotCallEntry } from '../../domain/campaign.js';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { withContainer } from '../context.js';
import { badInput, printJson, printLine, printRecord, printTable, type Column } from '../output.js';

const columns: Column<DoNotCallEntry>[] = [
  { header: 'PHONE_NUMBER', value: (e) => e.phone_number },
  { header: 'ADDED_BY', value: (e) => e.added_by },
  { header: 'ADDED_AT', value: (e) => e.added_at },
  { header: 'REASON', value: (e) => e.reason },
];

export function registerDoNotCallCommand(program: Command): Command {
  const dnc = program.command('dnc').description('the do-not-call list: numbers no campaign ever calls');

  dnc
    .command('add')
    .description('add a number to the do-not-call list')
    .argument('<number>')
    .option('--reason <text>', 'why, for the record')
    .option('--by <name>', 'who adds it (default cli)', 'cli')
    .option('--json', 'print JSON (for scripts)')
    .action(async (number: string, options: { reason?: string; by: string; json?: boolean }) => {
      normalizeE164(number);
      const result = await withContainer(({ doNotCall }) =>
        doNotCall.add(
          { phone_number: number, ...(options.reason ? { reason: options.reason } : {}) },
          options.by,
        ),
      );
      if (options.json) return printJson(result.entry);
      printLine(
        result.added
          ? `added ${result.entry.phone_number}`
          : `${result.entry.phone_number} was already listed`,
      );
    });

  dnc
    .command('remove')
    .description('remove a number from the do-not-call list')
    .argument('<number>')
    .action(async (number: string) => {
      normalizeE164(number);
      await withContainer(({ doNotCall }) => doNotCall.remove(number));
      printLine(`removed ${number}`);
    });

  dnc
    .command('check')
    .description('whether a number is listed, by whom and when')
    .argument('<number>')
    .option('--json', 'print JSON (for scripts)')
    .action(async (number: string, options: { json?: boolean }) => {
      normalizeE164(number);
      const entry = await withContainer(({ doNotCall }) => doNotCall.get(number));
      if (options.json) return printJson(entry);
      printRecord(entry);
    });

  dnc
    .command('list')
    .description('list the do-not-call list')
    .option('--limit <n>', 'at most this many (1-100)', '100')
    .option('--cursor <cursor>', 'the next page, from an earlier --json listing')
    .option('--json', 'print JSON {items, cursor} (for scripts)')
    .action(async (options: { limit: string; cursor?: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput('--limit must be 1 to 100');
      const page = await withContainer(({ doNotCall }) => doNotCall.list({ limit, cursor: options.cursor }));
      if (options.json) return printJson(page);
      printTable(page.items, columns, 'the do-not-call list is empty');
      if (page.cursor) printLine(`(more: --cursor ${page.cursor})`);
    });

  dnc
    .command('import')
    .description('add the numbers of a CSV file (a phone_number column, optional reason)')
    .argument('<file.csv>')
    .option('--by <name>', 'who adds them (default cli)', 'cli')
    .option('--json', 'print JSON (for scripts)')
    .action(async (file: string, options: { by: string; json?: boolean }) => {
      const text = await readFile(file, 'utf8').catch(() => {
        throw badInput(`cannot read ${file}`);
      });
      const result = await withContainer(({ doNotCall }) => doNotCall.importCsv(text, options.by));
      if (options.json) return printJson(result);
      printLine(`added ${result.added}; already listed ${result.already}; skipped ${result.issues.length}`);
      for (const issue of result.issues) printLine(`  row ${issue.row}, ${issue.field}: ${issue.message}`);
    });

  return dnc;
}
