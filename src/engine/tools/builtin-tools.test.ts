import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { emptyCall, exampleAgent } from '../../../test/fakes/turn-context.js';
import type { Agent } from '../../domain/agent.js';
import { BUILTIN_TOOL_NAMES } from '../../domain/agent-tools.js';
import { BUILTIN_TOOLS } from './builtin-tools.js';
import { runToolCalls } from './run-tool-calls.js';
import { ToolCatalog } from './tool-catalog.js';
import { noEffects } from './tool.js';
import { findTransferTarget } from './transfer.js';

const support = exampleAgent('customer-support-001.json');
const withTargets: Agent = {
  ...support,
  transfer_targets: [{ id: 'billing', target: '+14155550123', description: 'Billing team' }],
};
const extraction = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };
const signal = new AbortController().signal;

async function run(agent: Agent, calls: { name: string; arguments: Record<string, unknown> }[]) {
  const tools = await new ToolCatalog().forAgent(agent, signal);
  const effects = noEffects();
  const step = await runToolCalls(
    calls.map((call, index) => ({ ...call, id: `call_${index}` })),
    tools,
    {
      agent,
      call: emptyCall(agent.agent_id),
      callerText: '',
      extraction,
      effects,
      records: [],
      timeLeftMs: 5_000,
      signal,
    },
  );
  return { effects, step };
}

describe('built-in tools', () => {
  it('are the names the agent schema reserves', () => {
    expect(BUILTIN_TOOLS.map((tool) => tool.name)).toEqual([...BUILTIN_TOOL_NAMES]);
  });

  it('build valid JSON Schemas limited to the agent’s fields and targets', async () => {
    const tools = await new ToolCatalog().forAgent(withTargets, signal);
    expect(tools.specs.map((t) => t.name)).toEqual(['record_field', 'end_call', 'transfer']);
    const ajv = new Ajv({ strict: true });
    const [record, end, transfer] = tools.specs.map((t) => ajv.compile(t.parameters));
    expect(record!({ field: 'email', value: 'a@b.co' })).toBe(true);
    expect(record!({ field: 'password', value: 'x' })).toBe(false);
    expect(end!({ reason: 'caller_done' })).toBe(true);
    expect(end!({ reason: 'bored' })).toBe(false);
    expect(transfer!({ target_id: 'billing' })).toBe(true);
    expect(transfer!({ target_id: '+19005550000' })).toBe(false);
    expect(tools.hasUserTools).toBe(false);
  });

  it('offers no record_field without fields and no transfer without targets', async () => {
    const tools = await new ToolCatalog().forAgent({ ...support, data_to_fill: [], version: 7 }, signal);
    expect(tools.specs.map((t) => t.name)).toEqual(['end_call']);
  });

  it('keep validated values, note rejected fields, map the end reason and guard transfers', async () => {
    const { effects, step } = await run(withTargets, [
      { name: 'record_field', arguments: { field: 'email', value: 'JOHN.SMITH@GMAIL.COM' } },
      { name: 'record_field', arguments: { field: 'name', value: "I'm not sure" } },
      { name: 'end_call', arguments: { reason: 'all_collected' } },
      { name: 'transfer', arguments: { target_id: 'elsewhere' } },
    ]);
    expect(effects).toEqual({
      extracted: { email: 'john.smith@gmail.com' },
      rejected: ['name'],
      proposed: true,
      end: 'system_complete',
    });
    // Every call gets a result the model can read, in call order.
    expect(step.messages.map((m) => (m.role === 'tool' ? m.toolCallId : ''))).toEqual([
      'call_0',
      'call_1',
      'call_2',
      'call_3',
    ]);
    expect(step.ranUserTool).toBe(false);
    const transfer = await run(withTargets, [{ name: 'transfer', arguments: { target_id: 'billing' } }]);
    expect(transfer.effects).toMatchObject({ transferTo: 'billing', proposed: false });
  });
});

describe('findTransferTarget', () => {
  it('finds only the agent’s own targets', () => {
    expect(findTransferTarget(withTargets, 'billing')?.target).toBe('+14155550123');
    expect(findTransferTarget(withTargets, '+14155550123')).toBeUndefined();
    expect(findTransferTarget(withTargets, undefined)).toBeUndefined();
  });
});
