// Runs the fake OpenAI-compatible server on its own, playing the support-agent model (or, with
// `orders`, the order-support agent's model, which calls lookup_order), for manual runs and
// `voice-agent simulate`:
//   npx tsx test/fakes/fake-openai-main.ts [port] [support|orders]
// then LLM_PROVIDER=openai-compatible OPENAI_COMPATIBLE_BASE_URL=<printed url> LLM_MODEL=fake
import { startFakeOpenAiServer } from './fake-openai-server.js';
import { ordersModelScript } from './orders-model-script.js';
import { supportModelScript } from './support-model-script.js';

const port = Number(process.argv[2] ?? 0);
const script = process.argv[3] === 'orders' ? ordersModelScript : supportModelScript;
const fake = await startFakeOpenAiServer({ script, port });
process.stdout.write(`${fake.url}/v1\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
