import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { AGENT_STATUSES, agentCreateSchema, type Agent, type AgentStatus } from '../../domain/agent.js';
import { agentReplaceSchema } from '../../services/agent-service.js';
import { parseOrThrow } from '../../services/validation.js';
import { withContainer } from '../context.js';
import { badInput, printJson, printLine, printRecord, printTable, type Column } from '../output.js';

const agentColumns: Column<Agent>[] = [
  { header: 'AGENT_ID', value: (a) => a.agent_id },
  { header: 'NAME', value: (a) => a.name },
  { header: 'LANGUAGE', value: (a) => a.language },
  { header: 'VOICE', value: (a) => a.voice },
  { header: 'STATUS', value: (a) => a.status },
  { header: 'VERSION', value: (a) => a.version },
  { header: 'UPDATED', value: (a) => a.updated_at },
];

// Listing walks every page; more than this many agents of one status is not a terminal's job.
const MAX_LISTED = 10_000;

/** Reads an agent file; a missing file or bad JSON is bad input (exit code 2). */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw badInput(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badInput(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * An update file may be the output of `agents get --json`: its server-owned fields are dropped,
 * and its `version` becomes the expected version, so an edit based on a stale copy is refused.
 */
export function splitUpdateFile(agentId: string, data: unknown): { fields: unknown; version?: number } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { fields: data };
  const {
    agent_id,
    created_at: _created,
    updated_at: _updated,
    version,
    ...fields
  } = data as Record<string, unknown>;
  if (agent_id !== undefined && agent_id !== agentId) {
    throw badInput(`the file is for agent ${String(agent_id)}, not ${agentId}`);
  }
  return { fields, ...(typeof version === 'number' ? { version } : {}) };
}

const jsonOption = (command: Command) => command.option('--json', 'print JSON (for scripts)');

export function registerAgentsCommand(program: Command): Command {
  const agents = program.command('agents').description('create, edit and list agents');

  jsonOption(
    agents
      .command('list')
      .description('list agents (newest first)')
      .option('--status <status>', `one of ${AGENT_STATUSES.join(', ')}`, 'active'),
  ).action(async (options: { status: string; json?: boolean }) => {
    if (!AGENT_STATUSES.includes(options.status as AgentStatus)) {
      throw badInput(`--status must be one of ${AGENT_STATUSES.join(', ')}`);
    }
    const items = await withContainer(async ({ agents: service }) => {
      const all: Agent[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.list({ status: options.status as AgentStatus, limit: 100, cursor });
        all.push(...page.items);
        cursor = page.cursor;
      } while (cursor && all.length < MAX_LISTED);
      return all;
    });
    if (options.json) printJson(items);
    else printTable(items, agentColumns, `no ${options.status} agents`);
  });

  jsonOption(agents.command('get').description('show one agent').argument('<agent_id>')).action(
    async (agentId: string, options: { json?: boolean }) => {
      const agent = await withContainer(({ agents: service }) => service.get(agentId));
      if (options.json) printJson(agent);
      else printRecord(agent);
    },
  );

  jsonOption(
    agents
      .command('create')
      .description('create an agent from a JSON file (see examples/)')
      .requiredOption('--file <path>', 'agent JSON file'),
  ).action(async (options: { file: string; json?: boolean }) => {
    const data = await readJsonFile(options.file);
    parseOrThrow(agentCreateSchema, data); // bad input fails before the database is opened
    const agent = await withContainer(({ agents: service }) => service.create(data));
    if (options.json) printJson(agent);
    else printLine(`created agent ${agent.agent_id} (version ${agent.version})`);
  });

  jsonOption(
    agents
      .command('update')
      .description('replace an agent with the fields in a JSON file')
      .argument('<agent_id>')
      .requiredOption('--file <path>', 'agent JSON file (e.g. edited output of `agents get --json`)'),
  ).action(async (agentId: string, options: { file: string; json?: boolean }) => {
    const { fields, version } = splitUpdateFile(agentId, await readJsonFile(options.file));
    parseOrThrow(agentReplaceSchema, fields);
    const agent = await withContainer(({ agents: service }) => service.replace(agentId, fields, version));
    if (options.json) printJson(agent);
    else printLine(`updated agent ${agent.agent_id} (version ${agent.version})`);
  });

  jsonOption(agents.command('archive').description('archive an agent').argument('<agent_id>')).action(
    async (agentId: string, options: { json?: boolean }) => {
      const agent = await withContainer(({ agents: service }) => service.archive(agentId));
      if (options.json) printJson(agent);
      else printLine(`archived agent ${agent.agent_id}`);
    },
  );

  jsonOption(
    agents
      .command('import')
      .description('create every agent in a folder of JSON files; existing ids are skipped')
      .argument('<dir>'),
  ).action(async (dir: string, options: { json?: boolean }) => {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
    } catch {
      throw badInput(`cannot read folder ${dir}`);
    }
    const inputs: { source: string; data: unknown }[] = [];
    for (const name of names) inputs.push({ source: name, data: await readJsonFile(join(dir, name)) });
    const results = await withContainer(({ agents: service }) => service.importMany(inputs));
    if (options.json) printJson(results);
    else
      printTable(
        results,
        [
          { header: 'FILE', value: (r) => basename(r.source ?? '') },
          { header: 'AGENT_ID', value: (r) => r.agent_id },
          { header: 'RESULT', value: (r) => r.result },
          { header: 'MESSAGE', value: (r) => r.message },
        ],
        `no .json files in ${dir}`,
      );
    if (results.some((r) => r.result === 'invalid')) process.exitCode = 2;
  });

  return agents;
}
