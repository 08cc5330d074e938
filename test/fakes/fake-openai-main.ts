// Runs the fake OpenAI-compatible server on its own, playing the support-agent model, for manual
// runs and `voice-agent simulate`:
//   npx tsx test/fakes/fake-openai-main.ts [port]
// then LLM_PROVIDER=openai-compatible OPENAI_COMPATIBLE_BASE_URL=<printed url> LLM_MODEL=fake
import { startFakeOpenAiServer } from './fake-openai-server.js';
import { supportModelScript } from './support-model-script.js';

const port = Number(process.argv[2] ?? 0);
const fake = await startFakeOpenAiServer({ script: supportModelScript, port });
process.stdout.write(`${fake.url}/v1\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
