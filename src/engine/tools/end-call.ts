import type { BuiltinTool } from './tool.js';

const END_REASONS = ['caller_done', 'all_collected', 'not_interested', 'wrong_person'] as const;

export const endCallTool: BuiltinTool = {
  name: 'end_call',
  build: () => ({
    source: 'builtin',
    spec: {
      name: 'end_call',
      description: 'End the call after your closing line. Use it only when the caller is done.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', enum: [...END_REASONS] } },
        required: ['reason'],
        additionalProperties: false,
      },
    },
    run: async (args, turn) => {
      turn.effects.end = args.reason === 'all_collected' ? 'system_complete' : 'user';
      return 'The call ends after your reply.';
    },
  }),
};
