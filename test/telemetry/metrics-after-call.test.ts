// The engine the server builds reports its turns: a real Gather call over HTTP, then a scrape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherCall } from '../support/gather-call.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

describe('GET /metrics after a real call', () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await startLiveServer();
  });
  afterAll(() => server.close());

  it('counts the call’s turns and its greeting by agent and transport', async () => {
    const call = await gatherCall(server, {
      direction: 'outbound',
      person: '+14155550123',
      ourNumber: '+14155550100',
      agentId: 'customer-support-001',
    });
    await call.say('Hi, my name is Maya Patel.');
    await call.say('It is maya at example dot com.');
    const response = await fetch(`${server.url}/metrics`, { headers: server.auth });
    const body = await response.text();
    const labels = 'agent="customer-support-001",transport="gather"';
    expect(body).toContain(`voice_agent_turns_total{${labels}} 2`);
    expect(body).toMatch(new RegExp(`voice_agent_turn_server_added_seconds_count\\{${labels}\\} 2`));
    expect(body).toMatch(new RegExp(`voice_agent_greeting_seconds_count\\{${labels}\\} 1`));
  });
});
