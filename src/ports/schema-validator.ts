/** A checker for one JSON Schema: undefined when the value fits, else the first problem in words. */
export type ValueCheck = (value: unknown) => string | undefined;

/** JSON Schema validation (the engine imports no validator library). */
export interface SchemaValidator {
  /** Why `schema` is not a usable JSON Schema; empty when it compiles. */
  problems(schema: Record<string, unknown>): string[];
  /**
   * A checker for `schema`, compiled once per schema object. Never throws: a schema that does not
   * compile gives a checker that refuses every value, saying so.
   */
  compile(schema: Record<string, unknown>): ValueCheck;
}
