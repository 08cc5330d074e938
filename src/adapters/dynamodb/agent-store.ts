import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Agent, AgentStatus } from '../../domain/agent.js';
import { AppError } from '../../domain/errors.js';
import type { AgentStore } from '../../ports/agent-store.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { clampLimit, decodeCursor, encodeCursor } from './cursor.js';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder } from './expressions.js';
import { INDEXES } from './tables.js';

export interface DynamoStoreOptions {
  doc: DynamoDBDocumentClient;
  /** Signs pagination cursors; keep it stable across restarts so cursors stay valid. */
  cursorSecret: string | Uint8Array;
}

/** Agents as plain items keyed by agent_id; writes are single-item conditional puts. */
export class DynamoAgentStore implements AgentStore {
  constructor(private readonly options: DynamoStoreOptions & { table: string }) {}

  async get(agentId: string): Promise<Agent | undefined> {
    const { doc, table } = this.options;
    const result = await guard('agents.get', () =>
      doc.send(new GetCommand({ TableName: table, Key: { agent_id: agentId }, ConsistentRead: true })),
    );
    return result.Item as Agent | undefined;
  }

  async create(agent: Agent): Promise<Agent> {
    const expression = new ExpressionBuilder();
    const condition = `attribute_not_exists(${expression.name('agent_id')})`;
    await this.put(agent, condition, expression, 'agents.create', `agent ${agent.agent_id} already exists`);
    return agent;
  }

  async replace(agent: Agent, expectedVersion: number): Promise<Agent> {
    const expression = new ExpressionBuilder();
    const condition = `${expression.name('version')} = ${expression.value(expectedVersion)}`;
    await this.put(
      agent,
      condition,
      expression,
      'agents.replace',
      'agent was changed by someone else; reload and retry',
    );
    return agent;
  }

  async list(query: { status: AgentStatus } & PageRequest): Promise<Page<Agent>> {
    const { doc, table, cursorSecret } = this.options;
    const scope = `agents:status:${query.status}`;
    const start = query.cursor ? decodeCursor(cursorSecret, scope, query.cursor).k : undefined;
    const expression = new ExpressionBuilder();
    const result = await guard('agents.list', () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEXES.agentsByStatus,
          KeyConditionExpression: `${expression.name('status')} = ${expression.value(query.status)}`,
          ...expression.attributes(),
          ScanIndexForward: false,
          Limit: clampLimit(query.limit),
          ...(start ? { ExclusiveStartKey: start as Record<string, unknown> } : {}),
        }),
      ),
    );
    return {
      items: (result.Items ?? []) as Agent[],
      ...(result.LastEvaluatedKey
        ? { cursor: encodeCursor(cursorSecret, scope, { k: result.LastEvaluatedKey }) }
        : {}),
    };
  }

  private async put(
    agent: Agent,
    condition: string,
    expression: ExpressionBuilder,
    operation: string,
    conflictMessage: string,
  ): Promise<void> {
    const { doc, table } = this.options;
    await guard(operation, async () => {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: agent,
            ConditionExpression: condition,
            ...expression.attributes(),
          }),
        );
      } catch (error) {
        if (isConditionalFailure(error)) throw new AppError('conflict', conflictMessage);
        throw error;
      }
    });
  }
}
