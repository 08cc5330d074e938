// The "Client micro-benchmarks" section of docs/BENCHMARKS.md.
import { machineInfo } from '../stats.js';
import type { CpuFigure } from './cpu.js';
import { DYNAMO_OPERATIONS, type DynamoClientResult } from './dynamo-clients.js';
import type { ModelClientResult } from './model-clients.js';

export interface MicroRun {
  dynamo: { results: DynamoClientResult[]; pinned: boolean };
  model: { results: ModelClientResult[]; pinned: boolean };
  options: { count: number; warmUp: number; lanes: number };
  date: string;
  loadStart: number[];
  loadEnd: number[];
}

const ms = (us: number) => (us / 1_000).toFixed(2);
const pair = (figure: { sequential: CpuFigure; concurrent: CpuFigure }) =>
  `${ms(figure.sequential.cpuUs)} / ${ms(figure.concurrent.cpuUs)}`;
// A steady-state turn once state lives in the call's session (issue 13, item 3): put the turn, update
// the call; a Gather turn also reads the call.
const turnUs = (result: DynamoClientResult, mode: 'sequential' | 'concurrent') =>
  result.figures['put turn'][mode].cpuUs +
  result.figures['update call'][mode].cpuUs +
  result.figures['get call'][mode].cpuUs;

export function microMarkdown(run: MicroRun): string {
  const machine = machineInfo();
  const { options } = run;
  const dynamoRows = run.dynamo.results.map(
    (r) =>
      `| ${r.client} | ${DYNAMO_OPERATIONS.map((op) => pair(r.figures[op])).join(' | ')} | ` +
      `${ms(turnUs(r, 'sequential'))} / ${ms(turnUs(r, 'concurrent'))} |`,
  );
  const modelRows = run.model.results.map(
    (r) => `| ${r.client} | ${ms(r.sequential.cpuUs)} | ${ms(r.concurrent.cpuUs)} |`,
  );
  const pinned = run.dynamo.pinned && run.model.pinned;
  return [
    '## Client micro-benchmarks',
    '',
    `Run ${run.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `${machine.platform}, Node ${machine.node}. Load average (1, 5, 15 min) at the start ${run.loadStart.join(', ')}, ` +
      `at the end ${run.loadEnd.join(', ')}: on a shared machine, compare the rows of one run rather than two runs.`,
    '',
    'CPU time of the client process (user + system, `process.cpuUsage`) per operation, in ms: one at a time / ' +
      `${options.lanes} in flight. The server runs in another process` +
      (pinned
        ? ', pinned to the other core (the client to the first).'
        : ' (not pinned: taskset was not available).'),
    '',
    'DynamoDB (dynalite), the turn path’s requests as DynamoCallStore sends them; items as a call leaves them ' +
      'mid-call (a call of about 2.6 KB of JSON with collected data, totals and two past calls; turns of about 700 bytes):',
    '',
    `| Client | put turn (conditional) | update call (versioned, ALL_NEW) | get call | last 60 turns | a turn: put + update + get |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...dynamoRows,
    '',
    'Model, one streamed reply of 10 text deltas with usage (the fake OpenAI server), for a request with a ' +
      '1 KB system prompt, 10 turns of history and 2 tools:',
    '',
    '| Client | one at a time | ' + `${options.lanes} in flight |`,
    '| --- | ---: | ---: |',
    ...modelRows,
    '',
    'How to read it:',
    '',
    `- Each figure: ${options.warmUp} untimed operations, then ${options.count} timed (a quarter as many for the ` +
      'query); "one at a time" waits for each answer before the next request, so it also carries the cost of ' +
      'waking up for every answer, which requests in flight share.',
    '- Which clients serve now: the wire client for the call store’s turn requests (get and update the call, put, ' +
      'get and list turns; the rest stays on the AWS SDK: docs/decisions/0010-dynamodb-wire-client.md); ' +
      'OpenAiChatModel for openai and openai-compatible, the provider’s doStream for anthropic and bedrock ' +
      '(docs/decisions/0009-openai-chat-stream-client.md).',
    '- @aws-lite/dynamodb is measured only when installed (`npm i --no-save @aws-lite/client @aws-lite/dynamodb`); ' +
      'it is not a dependency.',
    '',
  ].join('\n');
}
