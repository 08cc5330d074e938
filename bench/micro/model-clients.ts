// CPU per streamed 10-delta reply through each way of reading a chat-completions stream, against the
// fake OpenAI server in another process: the figures behind
// docs/decisions/0009-openai-chat-stream-client.md. The provider's doStream row stands for Anthropic and
// Bedrock, which have no fake server here: what it saves over streamText is the framework's, not the
// provider's.
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { jsonSchema, streamText, tool } from 'ai';
import { AiSdkLanguageModel, type ProviderModel } from '../../src/adapters/llm/ai-sdk-language-model.js';
import { createKeepAliveFetch } from '../../src/adapters/llm/keep-alive-fetch.js';
import { OpenAiChatModel } from '../../src/adapters/llm/openai-chat-model.js';
import type { LanguageModel, ModelRequest } from '../../src/ports/language-model.js';
import { startBenchChild } from '../child.js';
import { measureCpu, type CpuFigure, type MicroBenchOptions } from './cpu.js';
import { pinToCpu } from './pin.js';

export interface ModelClientResult {
  client: string;
  sequential: CpuFigure;
  concurrent: CpuFigure;
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

/** streamText over a provider, read as the AiSdkLanguageModel before this benchmark read it. */
async function streamTextReply(model: ProviderModel): Promise<void> {
  const result = streamText({
    model,
    system: BENCH_REQUEST.system,
    // The benchmark's conversation is text only.
    messages: BENCH_REQUEST.messages.map((m) => ({
      role: m.role as 'user' | 'assistant',
      content: m.content,
    })),
    tools: Object.fromEntries(
      BENCH_REQUEST.tools.map((t) => [
        t.name,
        tool({ description: t.description, inputSchema: jsonSchema(t.parameters) }),
      ]),
    ),
    temperature: BENCH_REQUEST.temperature,
    maxOutputTokens: BENCH_REQUEST.maxOutputTokens,
    maxRetries: 0,
    onError: () => {},
  });
  let deltas = 0;
  for await (const part of result.fullStream) if (part.type === 'text-delta') deltas += 1;
  if (deltas !== DELTAS) throw new Error(`streamText: ${deltas} deltas`);
}

export async function runModelClientBench(
  options: MicroBenchOptions,
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
      'AI SDK streamText, @ai-sdk/openai-compatible (before: openai-compatible)',
      () => streamTextReply(compatible),
    ],
    ['AI SDK streamText, @ai-sdk/openai .chat() (before: openai)', () => streamTextReply(openaiChat)],
    [
      'provider doStream, AiSdkLanguageModel (now: anthropic, bedrock)',
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
      'chat-completions stream on undici, OpenAiChatModel (now: openai, openai-compatible)',
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
