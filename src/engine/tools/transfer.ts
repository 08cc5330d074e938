import type { Agent, TransferTarget } from '../../domain/agent.js';
import type { BuiltinTool } from './tool.js';

/**
 * The agent's transfer target with this id; undefined for any other id. The one lookup: the model,
 * a stored turn and the transports all name targets by id, and only the agent's own list counts
 * (a caller could talk the model into naming another).
 */
export function findTransferTarget(agent: Agent, id: string | undefined): TransferTarget | undefined {
  return id === undefined ? undefined : agent.transfer_targets.find((target) => target.id === id);
}

export const transferTool: BuiltinTool = {
  name: 'transfer',
  build: (agent) =>
    agent.transfer_targets.length === 0
      ? undefined
      : {
          source: 'builtin',
          spec: {
            name: 'transfer',
            description: `Transfer the caller to a person or team: ${agent.transfer_targets
              .map((t) => `${t.id} (${t.description})`)
              .join('; ')}.`,
            parameters: {
              type: 'object',
              properties: { target_id: { type: 'string', enum: agent.transfer_targets.map((t) => t.id) } },
              required: ['target_id'],
              additionalProperties: false,
            },
          },
          run: async (args, turn) => {
            const target = findTransferTarget(
              agent,
              typeof args.target_id === 'string' ? args.target_id : undefined,
            );
            if (!target) return 'There is no such transfer target.';
            turn.effects.transferTo = target.id;
            return 'The caller will be transferred after your reply.';
          },
        },
};
