// The tools of `voice-agent test` scenarios: a ToolRunner for the private test server that answers
// from each scenario's `tools:` stubs and never makes a request. A scenario's call is recognised by
// the person's number the runner gave it (unique among the scenarios running at once); a tool a
// scenario does not stub fails, so a test never reaches a real endpoint.
import type { McpServerConfig } from '../domain/agent-tools.js';
import type { Call } from '../domain/call.js';
import type { ToolSpec } from '../ports/language-model.js';
import type { ToolAnswer, ToolRequest, ToolRunner } from '../ports/tool-runner.js';
import type { ToolStub } from './schema.js';

export class ToolStubRegistry {
  readonly #byCaller = new Map<string, Readonly<Record<string, ToolStub>>>();
  #findCall: (callSid: string) => Promise<Call | undefined> = async () => undefined;

  /** How the runner finds a call's person (the sandbox's call store, once it runs). */
  bindCalls(findCall: (callSid: string) => Promise<Call | undefined>): void {
    this.#findCall = findCall;
  }

  register(callerNumber: string, stubs: Readonly<Record<string, ToolStub>>): void {
    this.#byCaller.set(callerNumber, stubs);
  }

  release(callerNumber: string): void {
    this.#byCaller.delete(callerNumber);
  }

  has(callerNumber: string): boolean {
    return this.#byCaller.has(callerNumber);
  }

  runner(): ToolRunner {
    return {
      run: (request) => this.#answer(request),
      // An MCP server is not asked for its list either: its allowed tools take any arguments.
      listMcpTools: async (server: McpServerConfig): Promise<ToolSpec[]> =>
        server.allowed_tools.map((name) => ({
          name,
          description: `${name} (a tool of ${server.name}, stubbed by the test)`,
          parameters: { type: 'object' },
        })),
    };
  }

  async #answer(request: ToolRequest): Promise<ToolAnswer> {
    const name = request.target.kind === 'http' ? request.target.tool.name : request.target.toolName;
    const call = await this.#findCall(request.context.callSid).catch(() => undefined);
    const stub = call ? this.#byCaller.get(call.recipient_phone)?.[name] : undefined;
    if (!stub)
      return {
        status: 'failed',
        error: `${name} is not stubbed in this scenario (tests never call real tools)`,
      };
    if (stub.fail !== undefined) return { status: 'failed', error: stub.fail };
    const content = JSON.stringify(stub.response);
    const status = stub.status ?? 200;
    const base = { httpStatus: status, responseBytes: Buffer.byteLength(content) };
    if (status >= 500) return { status: 'failed', error: `the endpoint answered HTTP ${status}`, ...base };
    if (status >= 400)
      return { status: 'rejected', error: `the endpoint answered HTTP ${status}`, content, ...base };
    return { status: 'ok', content, ...base };
  }
}
