// The order-support example (examples/order-support-001.json) as `POST /agents` takes it, its
// lookup_order tool pointed at a local endpoint instead of the example orders service's port.
import { exampleAgent } from './turn-context.js';

export function orderSupportAgentAt(origin: string): Record<string, unknown> {
  const { agent_id, created_at, updated_at, version, ...example } = exampleAgent('order-support-001.json');
  void [created_at, updated_at, version];
  const tools = example.tools!.map((tool) => ({
    ...tool,
    request: { ...tool.request, url: tool.request.url.replace('http://127.0.0.1:4010', origin) },
  }));
  return { ...example, agent_id, tools };
}
