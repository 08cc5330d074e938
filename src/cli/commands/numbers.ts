import type { Command } from 'commander';
import type { PhoneNumberAssignment } from '../../domain/phone-number.js';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { withContainer } from '../context.js';
import { printJson, printLine, printRecord, printTable, type Column } from '../output.js';
import { registerNumbersConnectCommand } from './numbers-connect.js';

const columns: Column<PhoneNumberAssignment>[] = [
  { header: 'PHONE_NUMBER', value: (n) => n.phone_number },
  { header: 'AGENT_ID', value: (n) => n.assigned_agent_id },
  { header: 'LABEL', value: (n) => n.label },
  { header: 'ASSIGNED', value: (n) => n.assigned_at },
];

export function registerNumbersCommand(program: Command): Command {
  const numbers = program.command('numbers').description('assign phone numbers to agents');

  numbers
    .command('assign')
    .description('assign an E.164 number (e.g. +14155550100) to an agent')
    .argument('<number>')
    .argument('<agent_id>')
    .option('--label <label>', 'a note, e.g. "US sales line"')
    .option('--json', 'print JSON (for scripts)')
    .action(async (number: string, agentId: string, options: { label?: string; json?: boolean }) => {
      normalizeE164(number); // bad input fails before the database is opened
      const assignment = await withContainer(({ phoneNumbers }) =>
        phoneNumbers.assign(number, {
          agent_id: agentId,
          ...(options.label ? { label: options.label } : {}),
        }),
      );
      if (options.json) printJson(assignment);
      else printLine(`${assignment.phone_number} -> ${assignment.assigned_agent_id}`);
    });

  numbers
    .command('unassign')
    .description('remove a number assignment')
    .argument('<number>')
    .action(async (number: string) => {
      await withContainer(({ phoneNumbers }) => phoneNumbers.unassign(number));
      printLine(`unassigned ${number}`);
    });

  numbers
    .command('list')
    .description('list number assignments')
    .option('--agent <agent_id>', 'only the numbers of this agent')
    .option('--json', 'print JSON (for scripts)')
    .action(async (options: { agent?: string; json?: boolean }) => {
      const items = await withContainer(({ phoneNumbers }) => phoneNumbers.list(options.agent));
      if (options.json) printJson(items);
      else printTable(items, columns, 'no numbers assigned');
    });

  numbers
    .command('lookup')
    .description('show which agent answers a number')
    .argument('<number>')
    .option('--json', 'print JSON (for scripts)')
    .action(async (number: string, options: { json?: boolean }) => {
      const { assignment, agent } = await withContainer(({ phoneNumbers }) => phoneNumbers.lookup(number));
      const result = { ...assignment, agent: agent ?? null };
      if (options.json) printJson(result);
      else
        printRecord({
          ...assignment,
          agent: agent ? `${agent.agent_id} (${agent.name}, ${agent.status})` : null,
        });
    });

  registerNumbersConnectCommand(numbers);

  return numbers;
}
