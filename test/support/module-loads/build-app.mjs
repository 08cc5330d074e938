// Builds the app as `voice-agent serve` does (in-memory embedded stores), with the settings given as
// JSON in argv[2], recording every module it resolves into the file named by argv[3]. With argv[4]
// ("mcp-agent"), it then stores and reads an agent with an MCP server and waits for the MCP SDK.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const [settings, file, step] = process.argv.slice(2);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
// After tsx: hooks run last-registered first, so these see every specifier tsx resolves too.
register('./record-resolved.mjs', import.meta.url, { data: { file } });

const [{ loadConfig }, { createLogger }, { createContainer }, { buildApp }] = await Promise.all([
  import('../../../src/config.ts'),
  import('../../../src/logger.ts'),
  import('../../../src/container.ts'),
  import('../../../src/http/app.ts'),
]);
const config = loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ...JSON.parse(settings) }, '');
const container = await createContainer(config, { logger: createLogger(config), role: 'server' });
const app = await buildApp(container);
await app.ready();

if (step === 'mcp-agent') {
  await container.agents.create({
    agent_id: 'mcp-agent',
    name: 'Orders',
    prompt: 'Look orders up.',
    voice: 'Polly.Joanna-Neural',
    language: 'en-US',
    greeting: 'Hello!',
    mcp_servers: [{ name: 'orders', url: 'https://mcp.example.test/mcp', allowed_tools: ['find_order'] }],
  });
  await container.agents.get('mcp-agent');
  // The SDK loads in the background; its first module shows up once it does.
  const loaded = () => existsSync(file) && readFileSync(file, 'utf8').includes('@modelcontextprotocol/sdk/');
  for (let tries = 0; tries < 200 && !loaded(); tries += 1) await sleep(50);
}

await app.close();
await container.close();
process.exit(0);
