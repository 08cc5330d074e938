// The tools one agent's model is offered: the built-in ones its settings call for, its HTTP tools
// and its MCP servers' allowed tools. Built once per agent version and kept (schemas compiled
// once); an MCP server's list comes from the ToolRunner, which keeps it per agent version too.
import type { Agent } from '../../domain/agent.js';
import type { SchemaValidator } from '../../ports/schema-validator.js';
import type { ToolRunner } from '../../ports/tool-runner.js';
import { BUILTIN_TOOLS } from './builtin-tools.js';
import type { RegisteredTool } from './tool.js';
import { userTool } from './user-tool.js';

export interface ToolCatalogDeps {
  /** Without a runner and a validator, agents' own tools are not offered (only built-in ones). */
  runner?: ToolRunner;
  validator?: SchemaValidator;
  /** Told when an MCP server's tools cannot be listed (its tools are left out of that turn). */
  onListFailed?: (error: unknown, where: { agentId: string; server: string }) => void;
  /** Agent versions kept (default 500). */
  maxAgents?: number;
}

/** One agent's tools by name, in the order the model is offered them. */
export class ToolSet {
  readonly #byName: Map<string, RegisteredTool>;

  constructor(readonly tools: readonly RegisteredTool[]) {
    this.#byName = new Map(tools.map((tool) => [tool.spec.name, tool]));
  }

  get(name: string): RegisteredTool | undefined {
    return this.#byName.get(name);
  }

  get specs() {
    return this.tools.map((tool) => tool.spec);
  }

  /** Whether any of the agent's own tools is offered (a turn may then take several model steps). */
  get hasUserTools(): boolean {
    return this.tools.some((tool) => tool.source !== 'builtin');
  }
}

export const agentKeyOf = (agent: Agent) => `${agent.agent_id}@${agent.version}`;

export class ToolCatalog {
  readonly #deps: ToolCatalogDeps;
  readonly #fixed = new Map<string, RegisteredTool[]>();

  constructor(deps: ToolCatalogDeps = {}) {
    this.#deps = deps;
  }

  /**
   * The agent's tools for this turn. An MCP server that cannot be listed leaves its tools out.
   * Without MCP servers the answer is at hand: no promise, so the turn's first model request starts
   * in the same tick (its first-token clock is measured from the turn's start).
   */
  forAgent(agent: Agent, signal: AbortSignal): ToolSet | Promise<ToolSet> {
    const fixed = this.#fixedTools(agent);
    const servers = agent.mcp_servers ?? [];
    const { runner, validator } = this.#deps;
    if (servers.length === 0 || !runner || !validator) return new ToolSet(fixed);
    return this.#withMcp(agent, fixed, servers, runner, validator, signal);
  }

  async #withMcp(
    agent: Agent,
    fixed: RegisteredTool[],
    servers: NonNullable<Agent['mcp_servers']>,
    runner: ToolRunner,
    validator: SchemaValidator,
    signal: AbortSignal,
  ): Promise<ToolSet> {
    const agentKey = agentKeyOf(agent);
    const lists = await Promise.all(
      servers.map((server) =>
        runner.listMcpTools(server, agentKey, signal).then(
          (specs) =>
            specs.map((spec) =>
              userTool({
                spec,
                target: { kind: 'mcp', server, toolName: spec.name },
                check: validator.compile(spec.parameters),
                runner,
                timeoutMs: server.timeout_ms,
                filler: server.filler,
                maskArguments: server.mask_arguments,
                agentKey,
              }),
            ),
          (error: unknown) => {
            this.#deps.onListFailed?.(error, { agentId: agent.agent_id, server: server.name });
            return [];
          },
        ),
      ),
    );
    return new ToolSet([...fixed, ...lists.flat()]);
  }

  /** Built-in and HTTP tools: they depend on the agent version alone. */
  #fixedTools(agent: Agent): RegisteredTool[] {
    const key = agentKeyOf(agent);
    let tools = this.#fixed.get(key);
    if (tools) return tools;
    tools = BUILTIN_TOOLS.map((builtin) => builtin.build(agent)).filter((tool) => tool !== undefined);
    const { runner, validator } = this.#deps;
    if (runner && validator) {
      for (const config of agent.tools ?? []) {
        tools.push(
          userTool({
            spec: { name: config.name, description: config.description, parameters: config.parameters },
            target: { kind: 'http', tool: config },
            check: validator.compile(config.parameters),
            runner,
            timeoutMs: config.timeout_ms,
            filler: config.filler,
            maskArguments: config.mask_arguments,
            agentKey: key,
          }),
        );
      }
    }
    if (this.#fixed.size >= (this.#deps.maxAgents ?? 500)) {
      const oldest = this.#fixed.keys().next().value;
      if (oldest !== undefined) this.#fixed.delete(oldest);
    }
    this.#fixed.set(key, tools);
    return tools;
  }
}
