// The checks of an agent's tools that need more than its own fields: whether each parameter schema
// compiles (Ajv, through the SchemaValidator port) and this server's production rules (https only;
// private networks only with TOOLS_ALLOW_PRIVATE_NETWORK). Run when an agent is saved, so a bad
// tool is refused with its field named instead of failing on a caller's turn.
import type { McpServerConfig, ToolConfig } from '../domain/agent-tools.js';
import type { FieldIssue } from '../domain/errors.js';
import type { SchemaValidator } from '../ports/schema-validator.js';

export interface ToolCheckOptions {
  validator: SchemaValidator;
  /** NODE_ENV=production. */
  production: boolean;
  /** TOOLS_ALLOW_PRIVATE_NETWORK. */
  privateNetworkAllowed: boolean;
}

export function toolConfigProblems(
  fields: { tools?: ToolConfig[]; mcp_servers?: McpServerConfig[] },
  options: ToolCheckOptions,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const endpoint = (url: string, field: string) => {
    if (options.production && !/^https:\/\//i.test(url))
      issues.push({ field, message: 'must be an https:// URL when NODE_ENV=production' });
  };
  const privateNetwork = (allowed: boolean, field: string) => {
    if (allowed && options.production && !options.privateNetworkAllowed)
      issues.push({
        field,
        message: 'private networks are refused in production unless TOOLS_ALLOW_PRIVATE_NETWORK=true',
      });
  };
  (fields.tools ?? []).forEach((tool, index) => {
    for (const problem of options.validator.problems(tool.parameters))
      issues.push({ field: `tools.${index}.parameters`, message: `not a valid JSON Schema: ${problem}` });
    endpoint(tool.request.url, `tools.${index}.request.url`);
    privateNetwork(tool.allow_private_network, `tools.${index}.allow_private_network`);
  });
  (fields.mcp_servers ?? []).forEach((server, index) => {
    endpoint(server.url, `mcp_servers.${index}.url`);
    privateNetwork(server.allow_private_network, `mcp_servers.${index}.allow_private_network`);
  });
  return issues;
}
