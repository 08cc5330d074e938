// Plays one scenario over the <Gather> webhooks through the Twilio simulator, like `voice-agent
// simulate`: an outbound call the server placed for the agent (voice URL names the agent).
import { TwilioSimulator } from '../simulator/twilio-simulator.js';
import type { CallerLine } from './schema.js';
import { fetchStoredCall, type ObservedCall, type TestTarget } from './observed-call.js';

/** The caller's next line given what the agent just said, or undefined to hang up. */
export type NextLine = (agentSaid: string, turn: number) => Promise<CallerLine | undefined>;

export interface PlayOptions {
  agentId: string;
  /** The person's number. */
  caller: string;
  /** Our Twilio number. */
  ourNumber: string;
  /** Speech confidence for plain string lines. */
  confidence: number;
  lines?: readonly CallerLine[];
  /** Persona calls: lines produced as the call goes. */
  nextLine?: NextLine;
  maxTurns?: number;
}

function describeLine(line: CallerLine): string {
  if (typeof line === 'string') return `said "${line}"`;
  if ('silence' in line) return 'stayed silent';
  if ('press' in line) return `pressed "${line.press}"`;
  return `said "${line.say}"`;
}

export async function playGather(target: TestTarget, options: PlayOptions): Promise<ObservedCall> {
  const simulator = new TwilioSimulator({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
  });
  // The transport hint makes the server answer with <Gather> whatever the agent's default is.
  const call = await simulator.callAgent({
    agentId: options.agentId,
    caller: options.caller,
    ourNumber: options.ourNumber,
    transport: 'gather',
  });
  const lines = options.lines ?? [];
  const limit = options.nextLine ? (options.maxTurns ?? 12) : lines.length;
  let said = 0;
  let problem: string | undefined;
  const failed = () => call.applicationErrors.length > 0;
  while (!call.ended && said < limit && !failed()) {
    const line = options.nextLine ? await options.nextLine(call.hear(), said) : lines[said];
    if (line === undefined) break;
    said += 1;
    try {
      if (typeof line === 'string') await call.say(line, { confidence: options.confidence });
      else if ('silence' in line) await call.silence();
      else if ('press' in line) await call.press(line.press);
      else await call.say(line.say, { confidence: line.confidence ?? options.confidence });
    } catch (error) {
      problem = `turn ${said}: the caller ${describeLine(line)}, but ${error instanceof Error ? error.message : String(error)}`;
      break;
    }
  }
  const appError = call.applicationErrors[0];
  if (appError) {
    const path = appError.url.replace(/^[a-z]+:\/\/[^/]+/i, '');
    problem ??= `turn ${said}: the server failed to answer ${path} (Twilio error ${appError.code}: ${appError.detail})`;
  }
  const endedByAgent = call.ended && call.endReason !== 'caller-hung-up' && !appError;
  if (!call.ended) await call.hangUp();
  const stored = await fetchStoredCall(target, call.callSid);
  return {
    callSid: call.callSid,
    transport: 'gather',
    endedByAgent,
    linesSaid: said,
    linesTotal: options.nextLine ? said : lines.length,
    ...stored,
    ...(problem ? { problem } : {}),
  };
}
