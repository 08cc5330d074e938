// POST /agents/:id/test: runs the agent's test suites (from AGENT_TESTS_DIR, or one given in the
// body) and returns the report, for the dashboard's "Run tests" button and for scripts.
//
// Where the calls go: a sandbox server started for the run (src/agent-tests/sandbox.ts, handed in by
// whoever starts this server, since the sandbox is itself a server), the real app
// on 127.0.0.1:0 over a fresh in-memory store, holding a copy of the agent exactly as this server
// stores it now. Calling this server itself over loopback would also exercise the real code, but
// the test calls would land in the real call list, fire the end-of-call webhook to the customer's
// system and depend on this server knowing its own listen address; the sandbox avoids all three
// and keeps each run isolated and deterministic. Bounded: scenarios per run, time per scenario and
// per run, one run at a time per server.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError, notFound } from '../../domain/errors.js';
import type { AgentService } from '../../services/agent-service.js';
import { issuesFromZod, validationError } from '../../services/validation.js';
import { loadSuites, SuiteFileError, formatIssue, type LoadedSuite } from '../../agent-tests/loader.js';
import { runSuites } from '../../agent-tests/runner.js';
import { CRITERIA, suiteFileSchema, TRANSPORT_NAMES } from '../../agent-tests/schema.js';
import { errorBodySchema } from '../error-handler.js';
import type { LanguageModel } from '../../ports/language-model.js';
import type { Agent } from '../../domain/agent.js';
import type { TestTarget } from '../../agent-tests/observed-call.js';

export const MAX_SCENARIOS_PER_RUN = 50;
const SCENARIO_TIMEOUT_MS = 60_000;
// No scenario starts after this; with the per-scenario bound a request takes at most about 4 min.
const RUN_TIME_LIMIT_MS = 180_000;
const CONCURRENCY = 4;
const MAX_RUNS_AT_ONCE = 1;

const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
const bodySchema = z
  .object({
    suite: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('A test suite (the YAML/JSON file format, as JSON); `agent` may be left out'),
    transport: z.enum(TRANSPORT_NAMES).optional().describe('Run every scenario over this transport'),
    scenarios: z
      .array(z.string().min(1).max(200))
      .max(200)
      .optional()
      .describe('Run only these scenario names'),
  })
  .strict();

const scenarioResultSchema = z.object({
  file: z.string(),
  agent: z.string(),
  scenario: z.string(),
  transport: z.enum(TRANSPORT_NAMES),
  status: z.enum(['pass', 'fail', 'skip']),
  reasons: z.array(z.string()),
  duration_ms: z.number(),
  call_sid: z.string().optional(),
  persona: z
    .object({
      played_by: z.enum(['model', 'script']),
      transcript: z.array(
        z.object({ seq: z.number(), kind: z.string(), caller: z.string().optional(), agent: z.string() }),
      ),
      verdicts: z.array(
        z.object({
          criterion: z.enum(CRITERIA),
          status: z.enum(['pass', 'fail', 'skip']),
          reason: z.string(),
          judge: z.enum(['model', 'rules']),
        }),
      ),
    })
    .optional()
    .describe(
      "Persona scenarios: who played the caller, the call's transcript and the verdict on each criterion",
    ),
});
const reportSchema = z.object({
  ok: z.boolean(),
  summary: z.object({
    total: z.number(),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    duration_ms: z.number(),
  }),
  suites: z.array(
    z.object({
      file: z.string(),
      agent: z.string(),
      duration_ms: z.number(),
      scenarios: z.array(scenarioResultSchema),
    }),
  ),
});

export interface AgentTestRouteOptions {
  agents: AgentService;
  config: Config;
  /** The model that plays personas and judges rubrics; defaults to the configured provider. */
  languageModel?: () => Promise<{ model?: LanguageModel; close(): Promise<void> }>;
  /** Starts the private server the scenarios call, holding copies of `agents`; without it, 503. */
  startSandbox?: StartSandbox;
}

export type StartSandbox = (agents: readonly Agent[]) => Promise<TestTarget>;

async function configuredModel(config: Config) {
  if (config.LLM_PROVIDER === 'none') return { close: async () => {} };
  const { createLanguageModelFactory } = await import('../../adapters/llm/provider-factory.js');
  const factory = await createLanguageModelFactory(config);
  const model = factory.forAgent(undefined);
  return { ...(model ? { model } : {}), close: () => factory.close() };
}

async function suitesFor(agentId: string, dir: string): Promise<LoadedSuite[]> {
  try {
    return (await loadSuites([dir])).filter((suite) => suite.agent === agentId);
  } catch (error) {
    if (!(error instanceof SuiteFileError)) throw error;
    // A missing folder is "no suites"; a broken file is the caller's to fix.
    if (error.issues.every((issue) => issue.file === dir)) return [];
    throw validationError(error.issues.map((issue) => ({ field: issue.file, message: formatIssue(issue) })));
  }
}

export const agentTestRoutes: FastifyPluginAsync<AgentTestRouteOptions> = async (app, options) => {
  const { agents, config } = options;
  let running = 0;

  app.post(
    '/agents/:id/test',
    {
      schema: {
        tags: ['agents'],
        summary: "Run the agent's test suites through the call simulator",
        description:
          `Suites come from AGENT_TESTS_DIR (files whose agent is this one) unless one is given. Calls run ` +
          `against a sandbox copy of the agent; at most ${MAX_SCENARIOS_PER_RUN} scenarios per run.`,
        params: idParams,
        body: bodySchema.nullish(),
        response: {
          200: reportSchema,
          400: errorBodySchema,
          401: errorBodySchema,
          404: errorBodySchema,
          409: errorBodySchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof idParams>;
      const body = (request.body ?? {}) as z.infer<typeof bodySchema>;
      const agent = await agents.get(id);

      let suites: LoadedSuite[];
      if (body.suite) {
        const parsed = suiteFileSchema.safeParse({ agent: id, ...body.suite });
        if (!parsed.success) throw validationError(issuesFromZod(parsed.error, ['suite']));
        if (parsed.data.agent !== id)
          throw validationError([{ field: 'suite.agent', message: `must be ${id}` }]);
        suites = [{ ...parsed.data, file: '(request)' }];
      } else {
        suites = await suitesFor(id, config.AGENT_TESTS_DIR);
        if (suites.length === 0) throw notFound(`test suites for agent ${id} in ${config.AGENT_TESTS_DIR}`);
      }
      if (body.scenarios) {
        const wanted = new Set(body.scenarios);
        suites = suites
          .map((suite) => ({ ...suite, scenarios: suite.scenarios.filter((s) => wanted.has(s.name)) }))
          .filter((suite) => suite.scenarios.length > 0);
        if (suites.length === 0) throw notFound(`scenarios ${body.scenarios.join(', ')}`);
      }
      const total = suites.reduce((n, suite) => n + suite.scenarios.length, 0);
      if (total > MAX_SCENARIOS_PER_RUN) {
        throw validationError([
          { field: 'scenarios', message: `${total} scenarios; at most ${MAX_SCENARIOS_PER_RUN} per run` },
        ]);
      }
      const { startSandbox } = options;
      if (!startSandbox)
        throw new AppError('unavailable', 'this server does not run agent tests (voice-agent test does)');
      if (running >= MAX_RUNS_AT_ONCE)
        throw new AppError('conflict', 'a test run is already in progress on this server', {
          retryable: true,
        });

      running += 1;
      const model = await (options.languageModel ?? (() => configuredModel(config)))();
      try {
        const target = await startSandbox([agent]);
        try {
          return await runSuites(suites, {
            target,
            concurrency: CONCURRENCY,
            ...(body.transport ? { transport: body.transport } : {}),
            ...(model.model
              ? { model: model.model }
              : { noModelReason: `LLM_PROVIDER is ${config.LLM_PROVIDER}` }),
            scenarioTimeoutMs: SCENARIO_TIMEOUT_MS,
            deadline: Date.now() + RUN_TIME_LIMIT_MS,
            ...(config.TWILIO_PHONE_NUMBER ? { ourNumber: config.TWILIO_PHONE_NUMBER } : {}),
          });
        } finally {
          await target.close();
        }
      } finally {
        await model.close();
        running -= 1;
      }
    },
  );
};
