// How much of each model request a provider can serve from its prompt cache (issue 14, item 5): a
// 20-turn call to the seeded support agent, answered by the fake OpenAI-compatible server through the
// real server and provider adapter. For each request after the first: the bytes that repeat the
// previous request unchanged from its start (tools, then messages, as the provider reads them), and
// the cached tokens the fake reports by OpenAI's rule (nothing below 1,024 tokens, then steps of 128).
import { adminHeaders } from '../src/agent-tests/observed-call.js';
import { playGather } from '../src/agent-tests/play-gather.js';
import { startSandbox } from '../src/agent-tests/sandbox.js';
import { loadConfig } from '../src/config.js';
import {
  commonPrefixLength,
  promptText,
  startFakeOpenAiServer,
  type FakeScript,
} from '../test/fakes/fake-openai-server.js';
import { readRequest } from '../test/fakes/support-model-script.js';
import { runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo, round } from './stats.js';

const AGENT = 'customer-support-001';
// A support call: the problem, troubleshooting, the name and email (read back and confirmed), then
// questions until the caller is done.
const CALLER_LINES = [
  "Hi, my laptop won't start.",
  'Yes, the charger light is on.',
  'I held it for thirty seconds, nothing happened.',
  'I tried another outlet too.',
  'My name is Manas Kumar.',
  "It's manas dot k at gmail dot com.",
  'Yes.',
  'Will the technician call or email?',
  'How long does that usually take?',
  'Is my warranty still valid?',
  'I bought it in March last year.',
  'Can I bring it to a store instead?',
  'Which store is closest to downtown?',
  'Do I need the receipt?',
  'What if the data on it is lost?',
  'Can you note that it also overheats?',
  'It gets hot near the fan.',
  'Thanks, that helps.',
  'One more thing, is there a loaner?',
  "Alright, that's all, thank you.",
];

/** A model for the call: records the name and email when they are said, otherwise answers briefly. */
function callModel(body: Record<string, unknown>): FakeScript {
  const { caller, missing } = readRequest(body);
  if (/name is/i.test(caller) && missing.includes('name'))
    return {
      text: 'Thanks. And your email?',
      toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: caller } }],
    };
  if (/ at /i.test(caller) && missing.includes('email'))
    return {
      text: 'I have manas dot k at gmail dot com. Is that right?',
      toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: caller } }],
    };
  return { text: 'Understood, I have noted that. A technician will follow up by email soon.' };
}

export interface PromptCacheTurn {
  turn: number;
  bytes: number;
  repeatedBytes: number;
  promptTokens: number;
  cachedTokens: number;
}

export async function runPromptCacheBench(log: (line: string) => void): Promise<PromptCacheTurn[]> {
  const usages: { prompt: number; cached: number }[] = [];
  const fake = await startFakeOpenAiServer({ promptCache: true, script: callModel });
  const target = await startSandbox(
    loadConfig(
      {
        DATA_DIR: ':memory:',
        LOG_LEVEL: 'silent',
        LLM_PROVIDER: 'openai-compatible',
        OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
        LLM_MODEL: 'gpt-4o-mini',
      },
      '',
    ),
  );
  try {
    const call = await playGather(target, {
      agentId: AGENT,
      caller: '+14155550123',
      ourNumber: '+14155550100',
      confidence: 0.95,
      lines: CALLER_LINES,
    });
    log(`prompt-cache: ${call.callSid}, ${call.linesSaid} caller turns`);
    const stored = await fetch(`${target.serverUrl}/calls/${call.callSid}`, {
      headers: adminHeaders(target),
    }).then(
      (r) => r.json() as Promise<{ transcript: { input_tokens?: number; cached_input_tokens?: number }[] }>,
    );
    for (const turn of stored.transcript)
      if (turn.input_tokens !== undefined)
        usages.push({ prompt: turn.input_tokens, cached: turn.cached_input_tokens ?? 0 });
  } finally {
    await target.close();
    await fake.close();
  }
  // The turns' requests (the end-of-call summary asks the model too, with no tools).
  const texts = fake.requests.filter((r) => Array.isArray(r.body.tools)).map((r) => promptText(r.body));
  return texts.map((text, i) => ({
    turn: i + 1,
    bytes: Buffer.byteLength(text),
    repeatedBytes: i === 0 ? 0 : Buffer.byteLength(text.slice(0, commonPrefixLength(texts[i - 1]!, text))),
    promptTokens: usages[i]?.prompt ?? 0,
    cachedTokens: usages[i]?.cached ?? 0,
  }));
}

const percent = (part: number, whole: number) => (whole > 0 ? `${round((100 * part) / whole, 1)}%` : '–');

export function promptCacheMarkdown(
  turns: PromptCacheTurn[],
  context: { date: string; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const later = turns.slice(1);
  const averageShare =
    later.reduce((sum, t) => sum + t.repeatedBytes / t.bytes, 0) / Math.max(1, later.length);
  const tokenShare =
    later.reduce((sum, t) => sum + t.cachedTokens, 0) /
    Math.max(
      1,
      later.reduce((sum, t) => sum + t.promptTokens, 0),
    );
  return [
    '## Prompt cache',
    '',
    `Run ${context.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ${machine.node}. ` +
      `Load average at the start ${context.loadStart.join(', ')}, at the end ${context.loadEnd.join(', ')} (the figures below do not depend on load).`,
    '',
    `A ${turns.length}-turn call to the seeded \`${AGENT}\` agent over \`<Gather>\`, answered by the fake OpenAI-compatible server through the real server ` +
      'and provider adapter. The request text is what the provider reads in order: the tools, then the messages (the system text first). ' +
      '"Repeated" is the part of a request that is byte for byte the start of the previous request of the call: what any prefix cache can serve. ' +
      "Cached tokens are what the fake reports by OpenAI's rule (no cache below 1,024 tokens, then steps of 128; a token counted as 4 characters), " +
      'as stored on each turn.',
    '',
    `**Average share of each request that repeats the previous one unchanged: ${percent(averageShare, 1)}** (turns 2–${turns.length}); ` +
      `input tokens served from the cache: ${percent(tokenShare, 1)} of turns 2–${turns.length}'s input tokens.`,
    '',
    '| Turn | Request bytes | Repeated bytes | Share | Input tokens | Cached tokens |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...turns.map(
      (t) =>
        `| ${t.turn} | ${t.bytes} | ${t.repeatedBytes} | ${t.turn === 1 ? '–' : percent(t.repeatedBytes, t.bytes)} | ${t.promptTokens} | ${t.cachedTokens} |`,
    ),
    '',
    'How to read it:',
    '',
    "- Each request is ordered stable first: the agent's instructions, the rules, the details to collect and the examples, then the gist of past calls " +
      '(the same for the whole call), then the transcript, which only grows at its end. The time and what is collected so far go in a ' +
      "`<call_state>` block with the caller's latest words, so the only part of a request that is not a repeat is that last message and the " +
      'new reply before it.',
    '- Before this ordering, the system text listed the collected values in its middle and ended with the current time, so a request ' +
      'repeated the previous one past the middle of its system text only while the minute and the collected details stayed the same; at ' +
      "a person's pace (a turn every 8–12 s) the minute changes every 5–7 turns. This run takes a few seconds, so it cannot show that " +
      'difference by running the old order: the table shows the new one.',
    '- Anthropic and Bedrock cache only where the request marks it: the system text and the last repeated message carry a mark ' +
      "(src/adapters/llm/cache-marks.ts). OpenAI caches repeated prefixes of 1,024 tokens or more by itself; the seeded agent's prompt " +
      'passes that threshold once the transcript has grown, a longer agent prompt from the first repeat.',
    '',
  ].join('\n');
}

export function promptCacheBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'prompt-cache',
    heading: 'Prompt cache',
    async run() {
      const date = runDate();
      const loadStart = loadAverage();
      const turns = await runPromptCacheBench(log);
      return promptCacheMarkdown(turns, { date, loadStart, loadEnd: loadAverage() });
    },
  };
}
