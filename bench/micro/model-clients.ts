// CPU per streamed 10-delta reply through each way of reading a chat-completions stream, against the
// fake OpenAI server in another process: the figures behind
// docs/decisions/0007-openai-chat-stream-client.md.
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { AiSdkLanguageModel } from '../../src/adapters/llm/ai-sdk-language-model.js';
import { createKeepAliveFetch } from '../../src/adapters/llm/keep-alive-fetch.js';
import { OpenAiChatModel } from '../../src/adapters/llm/openai-chat-model.js';
import type { LanguageModel, ModelRequest } from '../../src/ports/language-model.js';
import { startBenchChild } from '../child.js';
import { measureCpu, type CpuFigure } from './cpu.js';
import { pinToCpu } from './pin.js';

export interface ModelClientResult {
  client: string;
  sequential: CpuFigure;
  concurrent: CpuFigure;
}

export interface ModelBenchOptions {
  count: number;
  warmUp: number;
  lanes: number;
  log: (line: string) => void;
}

const DELTAS = 10;

/** A turn's request: a support agent's prompt, ten turns of history, two tools. */
export const BENCH_REQUEST: ModelRequest = {
  system: [
    'You are the customer support agent of Acme Appliances on a phone call. Speak in short, plain sentences.',
    'Help first, then collect: name, email, order number, delivery date. Never read out markdown or lists.',
    ...Array.from(
      { length: 12 },
      (_, i) => `Rule ${i + 1}: be brief, confirm what you heard, and ask one thing at a time.`,
    ),
  ].join('\n'),
  messages: Array.from({ length: 10 }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content:
      i % 2 === 0
        ? `My order ${i} has not arrived, it was due last Tuesday.`
        : `I am sorry to hear that. Could you tell me the order number, please?`,
  })),
  tools: [
    {
      name: 'record_field',
      description: 'Record a value the caller gave',
      parameters: {
        type: 'object',
        properties: {
          field: { type: 'string', enum: ['name', 'email', 'order_number', 'delivery_date'] },
          value: { type: 'string' },
        },
        required: ['field', 'value'],
      },
    },
    {
      name: 'transfer_call',
      description: 'Hand the call to a person',
      parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
    },
  ],
  temperature: 0.4,
  maxOutputTokens: 512,
};

async function replyThrough(model: LanguageModel): Promise<void> {
  let deltas = 0;
  for await (const event of model.stream(BENCH_REQUEST)) if (event.type === 'text-delta') deltas += 1;
  if (deltas !== DELTAS) throw new Error(`${model.provider}: ${deltas} deltas, expected ${DELTAS}`);
}

/** The provider's doStream alone, its stream read to the end (what streamText adds is left out). */
async function doStreamThrough(model: LanguageModelV3): Promise<void> {
  const { stream } = await model.doStream({
    prompt: [
      { role: 'system', content: BENCH_REQUEST.system },
      ...BENCH_REQUEST.messages.map((m) =>
        m.role === 'user'
          ? { role: 'user' as const, content: [{ type: 'text' as const, text: m.content }] }
          : { role: 'assistant' as const, content: [{ type: 'text' as const, text: m.content }] },
      ),
    ],
    tools: BENCH_REQUEST.tools.map((t) => ({
      type: 'function' as const,
      name: t.name,
      description: t.description,
      inputSchema: t.parameters,
    })),
    toolChoice: { type: 'auto' },
    temperature: BENCH_REQUEST.temperature,
    maxOutputTokens: BENCH_REQUEST.maxOutputTokens,
  });
  let deltas = 0;
  const reader = stream.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read())
    if (part.value.type === 'text-delta') deltas += 1;
  if (deltas !== DELTAS) throw new Error(`doStream: ${deltas} deltas`);
}

export async function runModelClientBench(
  options: ModelBenchOptions,
): Promise<{ results: ModelClientResult[]; pinned: boolean }> {
  const server = await startBenchChild('micro/fake-openai-child.ts', []);
  const pinned = pinToCpu(process.pid, 0) && pinToCpu(server.pid, 1);
  const pool = createKeepAliveFetch();
  const baseURL = server.url;
  const compatible = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL,
    apiKey: 'bench-key',
    includeUsage: true,
    fetch: pool.fetch,
  })('bench-model');
  const openaiChat = createOpenAI({ apiKey: 'bench-key', baseURL, fetch: pool.fetch }).chat('gpt-4o-mini');
  const clients: [string, () => Promise<void>][] = [
    [
      'AI SDK streamText, @ai-sdk/openai-compatible',
      () =>
        replyThrough(
          new AiSdkLanguageModel({
            provider: 'openai-compatible',
            model: 'bench-model',
            languageModel: compatible,
          }),
        ),
    ],
    [
      'AI SDK streamText, @ai-sdk/openai .chat()',
      () =>
        replyThrough(
          new AiSdkLanguageModel({ provider: 'openai', model: 'gpt-4o-mini', languageModel: openaiChat }),
        ),
    ],
    ['@ai-sdk/openai-compatible doStream alone', () => doStreamThrough(compatible)],
    [
      'chat-completions stream on undici (OpenAiChatModel)',
      () =>
        replyThrough(
          new OpenAiChatModel({
            provider: 'openai-compatible',
            model: 'bench-model',
            flavor: 'openai-compatible',
            baseURL,
            apiKey: 'bench-key',
            dispatcher: pool.dispatcher,
          }),
        ),
    ],
  ];
  try {
    const results: ModelClientResult[] = [];
    for (const [client, reply] of clients) {
      const sequential = await measureCpu(reply, { count: options.count, lanes: 1, warmUp: options.warmUp });
      const concurrent = await measureCpu(reply, {
        count: options.count,
        lanes: options.lanes,
        warmUp: options.warmUp,
      });
      results.push({ client, sequential, concurrent });
      options.log(
        `model ${client}: ${sequential.cpuUs} µs CPU per reply one at a time, ${concurrent.cpuUs} µs ${options.lanes} in flight`,
      );
    }
    return { results, pinned };
  } finally {
    await pool.close();
    await server.stop();
  }
}
