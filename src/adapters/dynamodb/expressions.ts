// Every attribute name in every expression goes through ExpressionAttributeNames: status, name,
// data, language, ttl… are DynamoDB reserved words, and aliasing all of them is simpler than a list.

export type NameMap = Record<string, string>;
export type ValueMap = Record<string, unknown>;

/** Collects `#n0`-style aliases for attribute names and `:v0`-style placeholders for values. */
export class ExpressionBuilder {
  readonly names: NameMap = {};
  readonly values: ValueMap = {};
  private readonly nameAliases = new Map<string, string>();
  private valueCount = 0;

  /** The alias of an attribute name (one alias per distinct name). */
  name(attribute: string): string {
    let alias = this.nameAliases.get(attribute);
    if (!alias) {
      alias = `#n${this.nameAliases.size}`;
      this.nameAliases.set(attribute, alias);
      this.names[alias] = attribute;
    }
    return alias;
  }

  /** A fresh placeholder bound to `value`. */
  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** The maps to spread into a command; ExpressionAttributeValues is omitted when empty (DynamoDB rejects {}). */
  attributes(): { ExpressionAttributeNames?: NameMap; ExpressionAttributeValues?: ValueMap } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export interface SetUpdate {
  UpdateExpression: string;
  ExpressionAttributeNames: NameMap;
  ExpressionAttributeValues: ValueMap;
}

/** `#n0 = :v0` for each defined value of `changes`; undefined values are skipped. */
export function setClauses(changes: Record<string, unknown>, builder: ExpressionBuilder): string[] {
  return Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([attribute, value]) => `${builder.name(attribute)} = ${builder.value(value)}`);
}

/**
 * `SET #n0 = :v0, #n1 = :v1` for each defined value of `changes`; undefined values are skipped.
 * Pass a builder to share aliases with a condition expression. Throws when nothing is left to set.
 */
export function buildSetUpdate(
  changes: Record<string, unknown>,
  builder: ExpressionBuilder = new ExpressionBuilder(),
): SetUpdate {
  const clauses = setClauses(changes, builder);
  if (clauses.length === 0) throw new Error('buildSetUpdate: no attribute to set');
  return {
    UpdateExpression: `SET ${clauses.join(', ')}`,
    ExpressionAttributeNames: builder.names,
    ExpressionAttributeValues: builder.values,
  };
}
