// Agents' tools as the server runs them (schema check, HTTP runner behind the guarded pool), allowed
// to reach the loopback endpoints tests start, over plain HTTP.
import { AjvSchemaValidator } from '../../src/adapters/json-schema/ajv-schema-validator.js';
import type { GuardedPool } from '../../src/adapters/net/guarded-pool.js';
import { EnvSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { HttpToolRunner } from '../../src/adapters/tools/http-tool-runner.js';
import { ToolCatalog } from '../../src/engine/tools/tool-catalog.js';

export function localToolCatalog(pool: GuardedPool): ToolCatalog {
  return new ToolCatalog({
    validator: new AjvSchemaValidator(),
    runner: new HttpToolRunner({
      pool,
      secrets: new EnvSecrets({}),
      signingSecret: 'secret',
      privateNetworkAllowed: true,
      requireHttps: false,
    }),
  });
}
