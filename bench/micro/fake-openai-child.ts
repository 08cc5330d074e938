// The fake OpenAI server in its own process for the micro-benchmarks: every reply is ten streamed
// words (ten text deltas), then the finish and usage chunks.
import { startFakeOpenAiServer } from '../../test/fakes/fake-openai-server.js';
import { serveAsBenchChild } from './serve-child.js';

export const TEN_WORDS = 'Sure, I can help you with that order today, Manas.';

const fake = await startFakeOpenAiServer({ script: () => ({ text: TEN_WORDS }) });
serveAsBenchChild(`${fake.url}/v1`, () => fake.close());
