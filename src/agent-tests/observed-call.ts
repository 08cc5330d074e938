// What a scenario's call turned out to be: the server's stored record (GET /calls/:sid) plus what the
// simulated caller saw (did the agent end the call, were lines left unsaid, did anything break).
import type { Agent } from '../domain/agent.js';
import type { ToolStubRegistry } from './tool-stubs.js';

/** A running server the scenarios call (the same shape as the simulate command's target). */
export interface TestTarget {
  serverUrl: string;
  publicUrl: string;
  accountSid: string;
  authToken: string;
  adminApiKey: string;
  /** The sandbox's tool stubs: present only where scenarios' stubs can apply (never with --url). */
  toolStubs?: ToolStubRegistry;
  close(): Promise<void>;
}

export interface ObservedToolCall {
  name: string;
  /** As the server kept them: personal data masked. */
  arguments: Record<string, unknown>;
  status: string;
}

export interface ObservedTurn {
  seq: number;
  kind: string;
  caller?: string;
  agent: string;
  toolCalls?: ObservedToolCall[];
}

export interface ObservedCall {
  callSid: string;
  transport: 'gather' | 'relay';
  /** The server ended the call (hang-up, transfer or error) rather than the caller hanging up. */
  endedByAgent: boolean;
  linesSaid: number;
  linesTotal: number;
  transcript: ObservedTurn[];
  dataCollected: Record<string, { value: unknown; turn: number }>;
  endedBy?: string;
  transferredTo?: string;
  /** Something broke on the way (an application error, a refused keypress); named by turn. */
  problem?: string;
}

export function adminHeaders(target: TestTarget): Record<string, string> {
  return { authorization: `Bearer ${target.adminApiKey}` };
}

/** The agent as the server has it now, or undefined when it does not exist. */
export async function fetchAgent(target: TestTarget, agentId: string): Promise<Agent | undefined> {
  const response = await fetch(`${target.serverUrl}/agents/${encodeURIComponent(agentId)}`, {
    headers: adminHeaders(target),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`reading agent ${agentId} failed with HTTP ${response.status}`);
  return (await response.json()) as Agent;
}

interface StoredCall {
  ended_by?: string;
  transferred_to?: string;
  data_collected?: Record<string, { value: unknown; turn: number }>;
  transcript?: {
    seq: number;
    kind: string;
    caller?: string;
    agent?: string;
    tool_calls?: ObservedToolCall[];
  }[];
}

/** The server's record of the call: transcript, data collected, how it ended. */
export async function fetchStoredCall(
  target: TestTarget,
  callSid: string,
): Promise<Pick<ObservedCall, 'transcript' | 'dataCollected' | 'endedBy' | 'transferredTo'>> {
  const response = await fetch(`${target.serverUrl}/calls/${encodeURIComponent(callSid)}`, {
    headers: adminHeaders(target),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`reading call ${callSid} failed with HTTP ${response.status}`);
  const call = (await response.json()) as StoredCall;
  return {
    transcript: (call.transcript ?? []).map((turn) => ({
      seq: turn.seq,
      kind: turn.kind,
      ...(turn.caller !== undefined ? { caller: turn.caller } : {}),
      agent: turn.agent ?? '',
      ...(turn.tool_calls?.length
        ? {
            toolCalls: turn.tool_calls.map((c) => ({
              name: c.name,
              arguments: c.arguments,
              status: c.status,
            })),
          }
        : {}),
    })),
    dataCollected: call.data_collected ?? {},
    ...(call.ended_by ? { endedBy: call.ended_by } : {}),
    ...(call.transferred_to ? { transferredTo: call.transferred_to } : {}),
  };
}
