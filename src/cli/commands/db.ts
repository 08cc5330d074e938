import type { Command } from 'commander';
import { withContainer } from '../context.js';
import { printLine } from '../output.js';

export function registerDbCommand(program: Command): Command {
  const db = program.command('db').description('database tables and seed data');

  db.command('create-tables')
    .description('create any missing DynamoDB tables and wait until they are active (idempotent)')
    .action(async () => {
      const { createTables } = await import('../../adapters/dynamodb/index.js');
      const created = await withContainer(({ dynamo, config }) => createTables(dynamo.client, config.tables));
      printLine(created.length > 0 ? `created tables: ${created.join(', ')}` : 'all tables already exist');
    });

  db.command('seed')
    .description('create the example agents that are missing (never overwrites edits)')
    .action(async () => {
      const { seedAgents } = await import('../../services/seed.js');
      const created = await withContainer(({ agents }) => seedAgents(agents));
      printLine(
        created.length > 0 ? `seeded agents: ${created.join(', ')}` : 'all seed agents already exist',
      );
    });

  return db;
}
