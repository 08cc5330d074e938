import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { z } from 'zod';
import { FIELD_TYPES, type DataField } from '../../domain/agent.js';
import type { CollectedScalar } from '../../domain/call.js';
import { normalizeValue, type ExtractionContext } from '../../engine/extraction/index.js';
import { extractWithModel } from '../../engine/model-extraction.js';
import type { LanguageModel } from '../../ports/language-model.js';

/** Where the command reads and writes; tests pass their own. */
export interface ExtractIo {
  stdin: NodeJS.ReadableStream;
  writeOut(line: string): void;
  writeErr(line: string): void;
  setExitCode(code: number): void;
}

const defaultIo = (): ExtractIo => ({
  stdin: process.stdin,
  writeOut: (line) => process.stdout.write(`${line}\n`),
  writeErr: (line) => process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
});

/** Bad arguments exit with 2, as usage errors do in most CLIs. */
export const USAGE_EXIT_CODE = 2;

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const extractRequestSchema = z
  .object({
    type: z.enum(FIELD_TYPES, { error: `type must be one of ${FIELD_TYPES.join(', ')}` }),
    text: z.string({ error: 'text is required' }),
    language: z.string().min(2).default('en-US'),
    region: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'region must be a two-letter country code')
      .optional(),
    now: z
      .string()
      .refine(
        (s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)),
        'now must be an ISO date-time',
      )
      .optional(),
    timezone: z
      .string()
      .refine(validTimezone, 'timezone must be an IANA zone such as America/New_York')
      .optional(),
    options: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((r) => r.type !== 'enum' || r.options !== undefined, {
    message: 'an enum needs options',
    path: ['options'],
  });
export type ExtractRequest = z.input<typeof extractRequestSchema>;

export interface ExtractAnswer {
  type: DataField['type'];
  value: CollectedScalar | null;
}

function prepare(input: unknown) {
  const parsed = extractRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  }
  const request = parsed.data;
  const field: DataField = {
    name: 'value',
    type: request.type,
    required: true,
    description: '',
    ...(request.options ? { options: request.options } : {}),
  };
  const context: ExtractionContext = {
    language: request.language,
    ...(request.region ? { region: request.region.toUpperCase() } : {}),
    now: request.now ? new Date(request.now) : new Date(),
    timezone: request.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  return { request, field, context };
}

/** Validates a request and runs the engine's normalizer; throws a one-line message on bad input. */
export function extractOne(input: unknown): ExtractAnswer {
  const { request, field, context } = prepare(input);
  return { type: request.type, value: normalizeValue(field, request.text, context) };
}

/** As extractOne, with the model proposing the value first (validated by the same normalizer). */
export async function extractOneWithModel(input: unknown, model: LanguageModel): Promise<ExtractAnswer> {
  const { request, field, context } = prepare(input);
  return { type: request.type, value: await extractWithModel(model, field, request.text, context) };
}

/** The configured model, or a one-line message when none is configured. */
async function configuredModel(): Promise<LanguageModel> {
  const [{ loadConfigOrExit }, { createLanguageModelFactory }] = await Promise.all([
    import('../../config.js'),
    import('../../adapters/llm/provider-factory.js'),
  ]);
  const model = (await createLanguageModelFactory(loadConfigOrExit())).forAgent(undefined);
  if (!model) throw new Error('--llm needs a model: set LLM_PROVIDER and its settings (see .env.example)');
  return model;
}

interface ExtractOptions {
  type?: string;
  language: string;
  region?: string;
  now?: string;
  timezone?: string;
  options?: string;
  jsonl?: boolean;
  llm?: boolean;
}

/**
 * Answers with the model while it works. A model that fails (unreachable, timed out, refused) is
 * not a bad argument: the rules answer instead, with one warning on stderr, and the rest of the run
 * does not wait on the same model again.
 */
class Extractor {
  private model: LanguageModel | undefined;

  constructor(
    model: LanguageModel | undefined,
    private readonly warn: (line: string) => void,
  ) {
    this.model = model;
  }

  /** Throws a one-line message on a bad request, whether or not a model runs. */
  async answer(input: unknown): Promise<ExtractAnswer> {
    const rules = extractOne(input);
    if (!this.model) return rules;
    try {
      return await extractOneWithModel(input, this.model);
    } catch (error) {
      this.model = undefined;
      this.warn(`extract: warning: the model failed (${(error as Error).message}); answering with the rules`);
      return rules;
    }
  }
}

/** One answer line per input line, in order: a blank or unreadable line gets an error object. */
async function runJsonl(io: ExtractIo, extractor: Extractor): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    try {
      if (!line.trim()) throw new Error('blank line: expected a JSON object');
      const input: unknown = JSON.parse(line);
      io.writeOut(JSON.stringify(await extractor.answer(input)));
    } catch (error) {
      const message = error instanceof SyntaxError ? 'not a JSON object' : (error as Error).message;
      io.writeOut(JSON.stringify({ error: message }));
    }
  }
}

/**
 * `voice-agent extract --type T [--language L] [--region CC] [--now ISO] [--timezone TZ] "text"`
 * prints `{"type":…,"value":…}`; `--jsonl` answers one JSON request per stdin line.
 */
export function registerExtractCommand(program: Command, io: ExtractIo = defaultIo()): Command {
  return program
    .command('extract')
    .description('extract and validate a field value from an utterance (rule-based; --llm adds the model)')
    .argument('[text]', 'what the caller said')
    .option('--type <type>', `field type: ${FIELD_TYPES.join(', ')}`)
    .option('--language <language>', 'agent language (BCP-47)', 'en-US')
    .option('--region <country>', 'two-letter country for phone numbers without a country code')
    .option('--now <iso>', 'the moment relative dates resolve against (default: now)')
    .option('--timezone <zone>', 'IANA time zone of the call (default: this machine)')
    .option('--options <list>', 'comma-separated options of an enum field')
    .option(
      '--jsonl',
      'read {type, text, language?, region?, now?, timezone?, options?} lines from stdin (other keys are ignored)',
    )
    .option('--llm', 'let the configured language model propose the value (still validated by the rules)')
    .action(async (text: string | undefined, options: ExtractOptions) => {
      const fail = (message: string) => {
        io.writeErr(`extract: ${message}`);
        io.setExitCode(USAGE_EXIT_CODE);
      };
      let model: LanguageModel | undefined;
      if (options.llm) {
        try {
          model = await configuredModel();
        } catch (error) {
          return fail((error as Error).message);
        }
      }
      const extractor = new Extractor(model, io.writeErr);
      if (options.jsonl) return runJsonl(io, extractor);
      if (text === undefined || !text.trim()) return fail('missing text (usage: extract --type TYPE "text")');
      try {
        const request = {
          type: options.type,
          text,
          language: options.language,
          region: options.region,
          now: options.now,
          timezone: options.timezone,
          options: options.options
            ?.split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        };
        io.writeOut(JSON.stringify(await extractor.answer(request)));
      } catch (error) {
        fail((error as Error).message);
      }
    });
}
