// Secrets from AWS Secrets Manager: `{{secret.ORDERS_TOKEN}}` is the secret named
// `${prefix}ORDERS_TOKEN` (its SecretString). Values are kept for a while (TOOL_SECRETS_TTL_SECONDS):
// a tool call on a caller's turn must not wait on Secrets Manager each time, and a rotated secret
// is picked up within that time. A secret that does not exist is remembered as missing too.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../../ports/secret-source.js';

export interface SecretsManagerOptions {
  prefix: string;
  ttlMs: number;
  region?: string;
  /** Another endpoint (tests, LocalStack). */
  endpoint?: string;
  client?: SecretsManagerClient;
  now?: () => number;
}

interface Entry {
  value: Promise<string | undefined>;
  until: number;
}

export class SecretsManagerSecrets implements SecretSource {
  readonly #client: SecretsManagerClient;
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly options: SecretsManagerOptions) {
    this.#client =
      options.client ??
      new SecretsManagerClient({
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
  }

  get(name: string): Promise<string | undefined> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.#entries.get(name);
    if (cached && cached.until > now) return cached.value;
    const value = this.#client
      .send(new GetSecretValueCommand({ SecretId: `${this.options.prefix}${name}` }))
      .then(
        (answer) => answer.SecretString,
        (error: { name?: string }) => {
          if (error.name === 'ResourceNotFoundException') return undefined;
          // A failed read is not remembered: the next call asks again.
          this.#entries.delete(name);
          throw error;
        },
      );
    this.#entries.set(name, { value, until: now + this.options.ttlMs });
    return value;
  }

  close(): void {
    this.#client.destroy();
  }
}
