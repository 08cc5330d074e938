import type { SecretSource } from '../../ports/secret-source.js';

/** Secrets from the environment: `{{secret.ORDERS_TOKEN}}` is TOOL_SECRET_ORDERS_TOKEN (read by config.ts). */
export class EnvSecrets implements SecretSource {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async get(name: string): Promise<string | undefined> {
    return Object.hasOwn(this.values, name) ? this.values[name] : undefined;
  }
}

/** The first source that has the name: the environment, then the secrets manager. */
export function firstOf(...sources: SecretSource[]): SecretSource {
  return {
    async get(name) {
      for (const source of sources) {
        const value = await source.get(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}
