// The fake OpenAI server in its own process for the micro-benchmarks: every reply is ten streamed
// words (ten text deltas), then the finish and usage chunks. Speaks bench/child.ts's protocol.
import { startFakeOpenAiServer } from '../../test/fakes/fake-openai-server.js';

export const TEN_WORDS = 'Sure, I can help you with that order today, Manas.';

const fake = await startFakeOpenAiServer({ script: () => ({ text: TEN_WORDS }) });
process.on('message', (raw) => {
  const message = raw as { id?: number; type?: string };
  if (message.type !== 'stop') return;
  void fake.close().then(() => {
    process.send?.({ id: message.id, ok: true });
    process.exit(0);
  });
});
process.send?.({ type: 'ready', url: `${fake.url}/v1` });
