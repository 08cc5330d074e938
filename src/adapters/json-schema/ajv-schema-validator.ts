// JSON Schema validation of tool arguments with Ajv: each schema compiled once (the engine keeps
// its tools per agent version, so the same schema object comes back every turn) and checked fully,
// formats included, before any request leaves.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SchemaValidator, ValueCheck } from '../../ports/schema-validator.js';

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${where ? `${where}.` : ''}${missing}: required`;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${where ? `${where}.` : ''}${extra}: not a parameter of this tool`;
  }
  return `${where || '(arguments)'}: ${error.message ?? 'invalid'}`;
}

export class AjvSchemaValidator implements SchemaValidator {
  // strict: unknown keywords and formats are mistakes in a tool's schema, refused when it is saved.
  readonly #ajv = new Ajv({ strict: true, allErrors: false, validateSchema: true });
  readonly #compiled = new WeakMap<object, ValueCheck>();

  constructor() {
    addFormats.default(this.#ajv);
  }

  problems(schema: Record<string, unknown>): string[] {
    try {
      this.#ajv.compile(schema);
      this.#ajv.removeSchema(schema);
      return [];
    } catch (error) {
      return [error instanceof Error ? error.message : 'not a valid JSON Schema'];
    }
  }

  compile(schema: Record<string, unknown>): ValueCheck {
    const known = this.#compiled.get(schema);
    if (known) return known;
    let validate: ValidateFunction;
    let check: ValueCheck;
    try {
      validate = this.#ajv.compile(schema);
      check = (value) => (validate(value) ? undefined : describe(validate.errors![0]!));
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'not a valid JSON Schema';
      check = () => `the tool's parameter schema is not valid (${reason})`;
    }
    this.#compiled.set(schema, check);
    return check;
  }
}
