// The agent test file: one agent, its scenarios (scripted caller lines or a persona a model plays)
// and what each scenario expects of the call. YAML or JSON; validated here, located by loader.ts.
import { z } from 'zod';
import { ENDED_BY } from '../domain/call.js';

export const TRANSPORT_NAMES = ['gather', 'relay'] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

const MAX_LINE_CHARS = 2_000;

const callerLineSchema = z.union(
  [
    z.string().min(1).max(MAX_LINE_CHARS),
    z.object({ silence: z.literal(true) }).strict(),
    z
      .object({
        say: z.string().min(1).max(MAX_LINE_CHARS),
        confidence: z.number().min(0).max(1).optional(),
      })
      .strict(),
    z.object({ press: z.string().regex(/^[0-9*#]{1,32}$/, 'keypad keys: 0-9, * and #') }).strict(),
  ],
  { error: 'a caller line: a string, {silence: true}, {say: "…", confidence: 0.9} or {press: "1"}' },
);
export type CallerLine = z.infer<typeof callerLineSchema>;

const phraseSchema = z
  .union(
    [
      z.string().min(1).max(500),
      z.object({ phrase: z.string().min(1).max(500), turn: z.number().int().min(0).max(500) }).strict(),
    ],
    { error: 'a phrase, or {phrase: "…", turn: N}' },
  )
  .transform((p): PhraseExpectation => (typeof p === 'string' ? { phrase: p } : p));
export interface PhraseExpectation {
  phrase: string;
  /** Only this turn's agent line counts. */
  turn?: number;
}

/** A single item or a list of them (`agent_says: "email"` reads naturally for one phrase). */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).max(50)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const fieldName = z.string().min(1).max(64);
const toolName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'a tool name');

/**
 * What one of the agent's tools answers in a scenario: `response` (JSON, with an HTTP `status`,
 * default 200: a 4xx is a refusal the model hears, a 5xx a failure) or `fail` (a failure and its
 * reason, as a timeout would be). Stubs never leave the process: a scenario's tools are never called.
 */
export const toolStubSchema = z
  .object({
    response: z.unknown().optional(),
    status: z.number().int().min(200).max(599).optional(),
    fail: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((stub) => (stub.response === undefined) !== (stub.fail === undefined), {
    message: 'give either response (with an optional status) or fail',
  })
  .refine((stub) => stub.fail === undefined || stub.status === undefined, {
    path: ['status'],
    message: 'status goes with response',
  });
export type ToolStub = z.output<typeof toolStubSchema>;

/** What a persona scenario is judged on once the call is over (persona-judge.ts). */
export const CRITERIA = [
  'data_collected',
  'goal_met',
  'no_invented_facts',
  'help_before_collection',
] as const;
export type Criterion = (typeof CRITERIA)[number];

const personaRuleSchema = z
  .object({
    /** Phrases of the agent's last line (case-insensitive); the first rule with one of them answers. */
    when: oneOrMany(z.string().min(1).max(200)),
    say: callerLineSchema.optional(),
    /** Hang up instead of answering (after `say`, when both are given). */
    hang_up: z.literal(true).optional(),
  })
  .strict()
  .refine((rule) => rule.say !== undefined || rule.hang_up, { error: 'a reply needs say or hang_up: true' });
export type PersonaRule = z.output<typeof personaRuleSchema>;

/**
 * A caller with a goal. A configured language model plays them from who, goal, facts and manner;
 * without one, `replies` play them (the scripted persona), so the scenario runs offline too.
 */
export const personaObjectSchema = z
  .object({
    who: z.string().min(1).max(1_000),
    goal: z.string().min(1).max(1_000),
    /** What they know and give when asked, by the agent's field names (and any other facts). */
    facts: z.record(fieldName, z.union([z.string().min(1).max(500), z.number(), z.boolean()])).optional(),
    /** How they behave: "gives her email only when asked". */
    manner: z.string().min(1).max(1_000).optional(),
    /** Offline: their first words after the greeting. */
    opening: callerLineSchema.optional(),
    /** Offline: what they say to what the agent says. */
    replies: z.array(personaRuleSchema).max(50).optional(),
    /** Offline: what they say when no reply matches (default: hang up). */
    otherwise: callerLineSchema.optional(),
    /** Offline judge of goal_met: the agent said one of these. */
    goal_met_when: oneOrMany(z.string().min(1).max(200)).optional(),
  })
  .strict();
export type PersonaObject = z.output<typeof personaObjectSchema>;
export type Persona = string | PersonaObject;

export const expectationsSchema = z
  .object({
    collected: z.record(fieldName, z.union([z.string().min(1).max(500), z.number(), z.boolean()])).optional(),
    not_collected: oneOrMany(fieldName).optional(),
    ended_by: z.enum(ENDED_BY).optional(),
    /** The agent ended the call at or before this turn (turn 0 is the greeting, caller line N is turn N). */
    ends_by_turn: z.number().int().min(0).max(500).optional(),
    /** false: the call is still going after the last caller line; true: the agent ended it. */
    ends: z.boolean().optional(),
    agent_says: oneOrMany(phraseSchema).optional(),
    agent_never_says: oneOrMany(phraseSchema).optional(),
    /** Agent turns, the greeting included. */
    max_agent_turns: z.number().int().min(1).max(500).optional(),
    /** The id of one of the agent's transfer_targets. */
    transfer_to: z.string().min(1).max(64).optional(),
    /** Sentences a language model judges against the transcript. */
    rubric: oneOrMany(z.string().min(1).max(500)).optional(),
    /** The agent called these tools of its own (at least once each). */
    tool_called: oneOrMany(toolName).optional(),
    /** With tool_called naming one tool: one of its calls had these arguments (others may be present). */
    with: z.record(z.string().min(1).max(64), z.unknown()).optional(),
    tool_not_called: oneOrMany(toolName).optional(),
    /** Persona scenarios: what the call is judged on (default: all four). */
    criteria: z
      .union([z.enum(CRITERIA), z.array(z.enum(CRITERIA)).max(CRITERIA.length)], {
        error: `a criterion or a list of them: ${CRITERIA.join(', ')}`,
      })
      .transform((c) => (Array.isArray(c) ? c : [c]))
      .optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.with !== undefined && e.tool_called?.length !== 1)
      ctx.addIssue({ code: 'custom', path: ['with'], message: 'with needs tool_called naming one tool' });
    for (const name of e.tool_not_called ?? []) {
      if (e.tool_called?.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['tool_not_called'],
          message: `${name} is also in tool_called`,
        });
    }
    if (e.ends === false && e.ends_by_turn !== undefined)
      ctx.addIssue({ code: 'custom', path: ['ends'], message: 'ends: false contradicts ends_by_turn' });
    if (e.ends === false && e.ended_by !== undefined && e.ended_by !== 'user')
      ctx.addIssue({
        code: 'custom',
        path: ['ends'],
        message: `ends: false contradicts ended_by ${e.ended_by}`,
      });
    for (const name of e.not_collected ?? []) {
      if (e.collected && name in e.collected)
        ctx.addIssue({ code: 'custom', path: ['not_collected'], message: `${name} is also in collected` });
    }
  });
export type Expectations = z.output<typeof expectationsSchema>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200),
    caller: z.array(callerLineSchema).min(1).max(100).optional(),
    /**
     * Who the caller is and what they want: a description a configured language model plays, or a
     * persona with a goal and facts (and replies, which play it offline).
     */
    persona: z.union([z.string().min(1).max(4_000), personaObjectSchema]).optional(),
    /** Persona calls: the most caller turns before the caller hangs up. */
    max_turns: z.number().int().min(1).max(50).optional(),
    transport: z.enum(TRANSPORT_NAMES).optional(),
    /** Speech confidence sent with string lines (default 0.95). */
    confidence: z.number().min(0).max(1).optional(),
    /** What the agent's own tools answer in this scenario, by tool name (never the real endpoints). */
    tools: z.record(toolName, toolStubSchema).optional(),
    expect: expectationsSchema.default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.caller === undefined) === (s.persona === undefined))
      ctx.addIssue({ code: 'custom', path: ['caller'], message: 'give either caller lines or a persona' });
    if (s.max_turns !== undefined && s.persona === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['max_turns'],
        message: 'max_turns applies to persona scenarios',
      });
    if (s.expect.criteria !== undefined && s.persona === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'criteria'],
        message: 'criteria apply to persona scenarios',
      });
  });
export type Scenario = z.output<typeof scenarioSchema>;

export const suiteFileSchema = z
  .object({
    agent: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'an agent id'),
    description: z.string().max(1_000).optional(),
    /** Default transport for this file's scenarios. */
    transport: z.enum(TRANSPORT_NAMES).optional(),
    scenarios: z.array(scenarioSchema).min(1).max(200),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.scenarios.forEach((scenario, index) => {
      if (seen.has(scenario.name))
        ctx.addIssue({
          code: 'custom',
          path: ['scenarios', index, 'name'],
          message: `another scenario is already named "${scenario.name}"`,
        });
      seen.add(scenario.name);
    });
  });
export type SuiteFile = z.output<typeof suiteFileSchema>;
