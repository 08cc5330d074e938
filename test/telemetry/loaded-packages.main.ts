// Run by tracing-off.test.ts in a process of its own: builds the app with the given settings, takes
// a turn's reports through the turn observer, and prints which @opentelemetry packages Node loaded.
import { createRequire } from 'node:module';
import { createTestApp } from '../../src/http/testing.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const t = await createTestApp(env);
const call = sampleCall('CA0000000000000000000000000000f001');
await t.container.callStore.create(call);
const span = t.container.turnObserver.startTurn(call, 1, 'gather');
const turn = sampleTurn(call.call_sid, 1, { timeline: { received: 0, stored: 3, first_text_out: 4 } });
await t.container.callStore.putTurn(turn);
t.container.turnObserver.turnDone(span, call, turn, 'gather');
const packages = new Set<string>();
for (const path of Object.keys(createRequire(import.meta.url).cache)) {
  const name = /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1];
  if (name) packages.add(name);
}
process.stdout.write(
  JSON.stringify({
    packages: [...packages].sort(),
    tracing: t.container.telemetry.enabled,
    store: t.container.callStore.constructor.name,
  }),
);
await t.close();
