// The agents a fresh install starts with. They live in examples/ as plain agent files, the same
// format `voice-agent agents create --file` takes, so the seed doubles as documentation.
import customerSupport from '../../examples/customer-support-001.json' with { type: 'json' };
import defaultAgent from '../../examples/default.json' with { type: 'json' };
import hindiSupport from '../../examples/hindi-support-001.json' with { type: 'json' };
import sales from '../../examples/sales-001.json' with { type: 'json' };
import type { AgentService } from './agent-service.js';

export const SEED_AGENTS: readonly { agent_id: string }[] = [
  customerSupport,
  sales,
  hindiSupport,
  defaultAgent,
];

/** Creates each seed agent that is missing; an existing one (even edited or archived) is left alone. */
export async function seedAgents(agents: AgentService): Promise<string[]> {
  const results = await agents.importMany(SEED_AGENTS.map((data) => ({ source: data.agent_id, data })));
  const invalid = results.find((r) => r.result === 'invalid');
  if (invalid) throw new Error(`seed agent ${invalid.source} is invalid: ${invalid.message}`);
  return results.filter((r) => r.result === 'created').map((r) => r.agent_id as string);
}
