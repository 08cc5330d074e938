// Small pieces of call behaviour kept out of SimulatedCall: playing a script, and deciding
// whether a webhook response is one Twilio would treat as an application error.
import type { ApplicationError, ScriptLine } from './call-types.js';
import type { WebhookResult } from './webhook-sender.js';

/** The caller actions runScript needs (SimulatedCall implements them). */
export interface ScriptedCaller {
  readonly ended: boolean;
  say(text: string, options?: { confidence?: number }): Promise<void>;
  silence(): Promise<void>;
  press(digits: string): Promise<void>;
  hangUp(): Promise<void>;
}

/** Plays lines until the script or the call ends; returns how many lines were left unused. */
export async function runScript(
  call: ScriptedCaller,
  lines: ScriptLine[],
  options: { hangUpAtEnd?: boolean } = {},
): Promise<{ unused: number }> {
  let index = 0;
  for (; index < lines.length && !call.ended; index += 1) {
    const line = lines[index]!;
    if (typeof line === 'string') await call.say(line);
    else if ('say' in line) await call.say(line.say, { confidence: line.confidence });
    else if ('silence' in line) await call.silence();
    else if ('press' in line) await call.press(line.press);
    else await call.hangUp();
  }
  if (!call.ended && options.hangUpAtEnd !== false) await call.hangUp();
  return { unused: lines.length - index };
}

/** Twilio's debugger codes: 11205 timeout, 11200 HTTP failure, 12300 content type not XML. */
export function applicationError(url: string, response: WebhookResult): ApplicationError | undefined {
  if (response.failure === 'timeout')
    return { code: 11205, url, status: 0, detail: 'no response within the timeout' };
  if (response.failure) return { code: 11200, url, status: 0, detail: response.failure };
  if (response.status < 200 || response.status >= 300) {
    return { code: 11200, url, status: response.status, detail: `HTTP ${response.status}` };
  }
  if (!/xml/i.test(response.contentType)) {
    return {
      code: 12300,
      url,
      status: response.status,
      detail: `content type ${response.contentType || 'missing'}`,
    };
  }
  return undefined;
}
