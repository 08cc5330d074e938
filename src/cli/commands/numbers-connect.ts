// `voice-agent numbers connect <number>`: points a Twilio number's voice webhook and status
// callback at this server (PUBLIC_URL) through Twilio's REST API.
import type { Command } from 'commander';
import { normalizeE164 } from '../../services/phone-number-service.js';
import { printJson, printLine } from '../output.js';
import { defaultCommandDeps, requireTwilioSettings, type CommandDeps } from './command-deps.js';

export interface ConnectedNumber {
  phone_number: string;
  voice_url: string;
  voice_method: 'POST';
  status_callback: string;
  agent_id?: string;
}

export function registerNumbersConnectCommand(
  numbers: Command,
  deps: CommandDeps = defaultCommandDeps,
): Command {
  return numbers
    .command('connect')
    .description("set a Twilio number's voice webhook and status callback to this server (PUBLIC_URL)")
    .argument('<number>')
    .option('--agent <agent_id>', 'also assign the number to this agent')
    .option('--json', 'print JSON (for scripts)')
    .action(async (number: string, options: { agent?: string; json?: boolean }) => {
      const phoneNumber = normalizeE164(number); // bad input fails before anything is opened
      const config = await deps.config();
      requireTwilioSettings(
        config,
        ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_URL'],
        'numbers connect',
      );
      const result: ConnectedNumber = {
        phone_number: phoneNumber,
        voice_url: `${config.publicUrl}/twilio/voice`,
        voice_method: 'POST',
        status_callback: `${config.publicUrl}/twilio/status`,
      };
      await deps.withContainer(async ({ telephony, phoneNumbers }) => {
        await telephony.connectNumber(phoneNumber, result.voice_url, result.status_callback);
        if (options.agent) {
          const assignment = await phoneNumbers.assign(phoneNumber, { agent_id: options.agent });
          result.agent_id = assignment.assigned_agent_id;
        }
      });
      if (options.json) return printJson(result);
      printLine(`connected ${phoneNumber}`);
      printLine(`  voice:  POST ${result.voice_url}`);
      printLine(`  status: POST ${result.status_callback}`);
      if (result.agent_id) printLine(`  answered by agent ${result.agent_id}`);
    });
}
