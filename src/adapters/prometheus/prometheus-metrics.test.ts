import { describe, expect, it } from 'vitest';
import { cachedRead } from './cached-read.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

describe('PrometheusMetrics', () => {
  it('counts model errors, fallbacks and open circuits by model', async () => {
    const metrics = new PrometheusMetrics();
    metrics.observeTurn({
      agent: 'a',
      transport: 'gather',
      model: 'ollama:llama3.1',
      modelError: true,
      fallback: true,
    });
    metrics.observeTurn({ agent: 'a', transport: 'gather', modelError: true });
    metrics.circuitChanged({ name: 'openai:gpt-4o-mini', to: 'open' });
    metrics.circuitChanged({ name: 'openai:gpt-4o-mini', to: 'half-open' });
    metrics.circuitChanged({ name: 'openai:gpt-4o-mini', to: 'open' });
    metrics.circuitChanged({ name: 'anthropic:claude', to: 'open' });
    metrics.circuitChanged({ name: 'anthropic:claude', to: 'closed' });
    const { body } = await metrics.render();
    expect(body).toContain('voice_agent_model_errors_total{model="ollama:llama3.1"} 1\n');
    expect(body).toContain('voice_agent_model_errors_total{model="none"} 1\n');
    expect(body).toContain('voice_agent_model_fallbacks_total{model="ollama:llama3.1"} 1\n');
    expect(body).toContain('voice_agent_model_circuit_opens_total{model="openai:gpt-4o-mini"} 2\n');
    expect(body).toContain('voice_agent_model_circuit_open{model="openai:gpt-4o-mini"} 1\n');
    expect(body).toContain('voice_agent_model_circuit_open{model="anthropic:claude"} 0\n');
  });

  it('reads the relay sockets the transport registered, at scrape time', async () => {
    const metrics = new PrometheusMetrics();
    let open = 3;
    metrics.registerRelaySockets(() => open);
    expect((await metrics.render()).body).toContain('voice_agent_relay_sockets 3\n');
    open = 1;
    expect((await metrics.render()).body).toContain('voice_agent_relay_sockets 1\n');
  });

  it('keeps two registries apart', async () => {
    const one = new PrometheusMetrics();
    const two = new PrometheusMetrics();
    one.callEnded({ outcome: 'resolved', endedBy: 'user' });
    expect((await one.render()).body).toContain(
      'voice_agent_calls_ended_total{outcome="resolved",ended_by="user"} 1',
    );
    expect((await two.render()).body).not.toContain('outcome="resolved"');
  });
});

describe('cachedRead', () => {
  it('loads once per period, shares a load in flight, and keeps the last value when a load fails', async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const errors: unknown[] = [];
    const read = cachedRead(
      async () => {
        loads += 1;
        if (fail) throw new Error('store down');
        return loads;
      },
      5_000,
      { now: () => now, onError: (error) => errors.push(error) },
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    now = 4_999;
    expect(await read()).toBe(1);
    now = 5_000;
    expect(await read()).toBe(2);
    fail = true;
    now = 20_000;
    expect(await read()).toBe(2);
    expect(errors).toHaveLength(1);
    // A failure is not cached: the next read tries again.
    fail = false;
    expect(await read()).toBe(4);
  });
});
