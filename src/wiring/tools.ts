// Agents' own tools: arguments checked with Ajv, requests through a guarded keep-alive pool,
// secrets from TOOL_SECRET_<NAME> then (when configured) Secrets Manager.
import { AjvSchemaValidator } from '../adapters/json-schema/ajv-schema-validator.js';
import { GuardedPool } from '../adapters/net/guarded-pool.js';
import { EnvSecrets, firstOf } from '../adapters/secrets/env-secrets.js';
import { SecretsManagerSecrets } from '../adapters/secrets/secrets-manager-secrets.js';
import { HttpToolRunner } from '../adapters/tools/http-tool-runner.js';
import { loggedToolRunner } from '../adapters/tools/logged-tool-runner.js';
import { McpToolClient } from '../adapters/tools/mcp-tool-client.js';
import type { Config } from '../config.js';
import type { Agent } from '../domain/agent.js';
import { ToolCatalog } from '../engine/tools/tool-catalog.js';
import type { Logger } from '../logger.js';
import type { SecretSource } from '../ports/secret-source.js';
import type { ToolRunner } from '../ports/tool-runner.js';
import type { OnClose } from './cleanups.js';

export function buildTools(
  config: Config,
  options: {
    logger: Logger;
    signingSecret: string;
    stubRunner?: ToolRunner;
    /** Wraps the runner calls use in a span per tool call (tracing on). */
    traceToolRunner?: (runner: ToolRunner) => ToolRunner;
  },
  onClose: OnClose,
) {
  const { logger, signingSecret } = options;
  const validator = new AjvSchemaValidator();
  const production = config.NODE_ENV === 'production';
  const pool = new GuardedPool();
  onClose(() => pool.close());
  const secretSources: SecretSource[] = [new EnvSecrets(config.toolSecrets)];
  if (config.TOOL_SECRETS_MANAGER_PREFIX) {
    const manager = new SecretsManagerSecrets({
      prefix: config.TOOL_SECRETS_MANAGER_PREFIX,
      ttlMs: config.TOOL_SECRETS_TTL_SECONDS * 1_000,
      region: config.AWS_REGION,
    });
    onClose(() => manager.close());
    secretSources.push(manager);
  }
  const secrets = firstOf(...secretSources);
  const mcp = new McpToolClient({
    pool,
    secrets,
    signingSecret,
    onPreloadFailed: (error) => logger.debug({ err: error }, 'the MCP SDK could not be loaded ahead of use'),
  });
  onClose(() => mcp.close());
  const runner = new HttpToolRunner({
    pool,
    secrets,
    signingSecret,
    privateNetworkAllowed: !production || config.TOOLS_ALLOW_PRIVATE_NETWORK,
    requireHttps: production,
    mcp,
  });
  const used = options.stubRunner ?? runner;
  const catalog = new ToolCatalog({
    runner: loggedToolRunner(options.traceToolRunner?.(used) ?? used, logger),
    validator,
    onListFailed: (error, where) =>
      logger.warn(
        { err: error, agent_id: where.agentId, mcp_server: where.server },
        "an MCP server's tools could not be listed; they are left out of this turn",
      ),
  });
  return {
    runner,
    catalog,
    /** The same tools on the real runner, always: what "Try it" runs. */
    trialCatalog: options.stubRunner ? new ToolCatalog({ runner, validator }) : catalog,
    validator,
    /**
     * Told of each agent read from the store: one with MCP servers starts the MCP SDK loading, so that
     * its first turn does not wait for the import. A server whose agents have none never loads it.
     */
    onAgentLoaded: (agent: Agent) => {
      if (agent.mcp_servers?.length) mcp.preload();
    },
  };
}
