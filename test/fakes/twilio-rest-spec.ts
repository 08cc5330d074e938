// Validates form bodies against Twilio's own OpenAPI description of the 2010-04-01 API: the part of
// it the fake needs, kept in test/fakes/twilio-spec (see SOURCE.md there).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type FormBody = Record<string, string | string[]>;

export const SPEC_PATH = fileURLToPath(
  new URL('./twilio-spec/twilio_api_v2010.subset.json', import.meta.url),
);

export type OperationId = 'CreateCall' | 'UpdateCall' | 'UpdateIncomingPhoneNumber';
const OPERATIONS: Record<OperationId, string> = {
  CreateCall: '/2010-04-01/Accounts/{AccountSid}/Calls.json',
  UpdateCall: '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json',
  UpdateIncomingPhoneNumber: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
};
// Twilio-specific formats; the fake checks phone numbers itself (21211/21212) and accepts the rest.
const LENIENT_FORMATS = [
  'endpoint',
  'http-method',
  'twiml',
  'phone-number',
  'phone-number-capabilities',
  'uri-map',
  'iso-country-code',
  'currency',
  'ice-server',
  'date-time-rfc-2822',
  'int64',
  'int32',
];

interface Spec {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, unknown> };
}

export interface SpecIssue {
  parameter: string;
  message: string;
}

function inlineRefs(node: unknown, spec: Spec, depth = 0): unknown {
  if (depth > 20) throw new Error('twilio spec: $ref nesting too deep');
  if (Array.isArray(node)) return node.map((item) => inlineRefs(item, spec, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return inlineRefs(spec.components.schemas[name], spec, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'properties' || typeof value === 'object' ? inlineRefs(value, spec, depth + 1) : value,
    ]),
  );
}

function describe(error: ErrorObject): SpecIssue {
  const parameter =
    error.keyword === 'required'
      ? String(error.params.missingProperty)
      : error.keyword === 'additionalProperties'
        ? String(error.params.additionalProperty)
        : (error.instancePath.split('/')[1] ?? '(body)');
  return { parameter, message: `${parameter}: ${error.message ?? 'is invalid'}` };
}

export class TwilioSpecValidator {
  private readonly validators = new Map<OperationId, ValidateFunction>();

  constructor(specPath: string = SPEC_PATH) {
    if (!existsSync(specPath)) {
      throw new Error(
        `Twilio OpenAPI spec not found at ${specPath}. The fake Twilio REST server validates requests ` +
          'against it: regenerate it with scripts/vendor-twilio-spec.mjs (test/fakes/twilio-spec/SOURCE.md).',
      );
    }
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
    // coerceTypes 'array': form values are strings ("true", "60"), and a key sent once is still a list.
    const ajv = new Ajv({ allErrors: true, coerceTypes: 'array', strict: false });
    addFormats.default(ajv);
    for (const format of LENIENT_FORMATS) ajv.addFormat(format, true);
    for (const [operation, path] of Object.entries(OPERATIONS) as [OperationId, string][]) {
      const schema =
        spec.paths[path]?.post?.requestBody?.content['application/x-www-form-urlencoded']?.schema;
      if (!schema) throw new Error(`twilio spec: no form body for ${operation} at ${path}`);
      // Real Twilio ignores unknown parameters; the fake refuses them so a misspelt name fails a test.
      const strict = { ...(inlineRefs(schema, spec) as object), additionalProperties: false };
      this.validators.set(operation, ajv.compile(strict));
    }
  }

  /** Returns the problems with a form body for an operation; empty when it is valid. */
  check(operation: OperationId, body: FormBody): SpecIssue[] {
    const validate = this.validators.get(operation);
    if (!validate) throw new Error(`unknown operation ${operation}`);
    const copy = structuredClone(body);
    return validate(copy) ? [] : (validate.errors ?? []).map(describe);
  }
}
