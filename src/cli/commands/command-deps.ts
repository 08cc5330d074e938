// What the calls and numbers-connect commands need from outside: the settings and a container.
// Injectable, so tests run the commands in process against a prepared container.
import type { Config } from '../../config.js';
import type { Container } from '../../container.js';
import { withContainer } from '../context.js';
import { badInput } from '../output.js';

export interface CommandDeps {
  /** The settings (environment and .env); a bad one exits with code 2. */
  config(): Promise<Config>;
  withContainer<T>(run: (container: Container) => Promise<T>): Promise<T>;
}

export const defaultCommandDeps: CommandDeps = {
  config: async () => (await import('../../config.js')).loadConfigOrExit(),
  withContainer,
};

export type TwilioSetting = 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'PUBLIC_URL' | 'TWILIO_PHONE_NUMBER';

const DESCRIPTIONS: Record<TwilioSetting, string> = {
  TWILIO_ACCOUNT_SID: 'your Twilio Account SID (AC…), from the Twilio Console',
  TWILIO_AUTH_TOKEN: 'the Auth Token of that account',
  PUBLIC_URL: 'the https URL Twilio reaches this server at (a tunnel or load balancer)',
  TWILIO_PHONE_NUMBER: 'the Twilio number calls come from, in E.164 (or pass --from)',
};

/**
 * Fails with exit code 2 naming every setting in `needs` that is missing, before any database or
 * network is opened.
 */
export function requireTwilioSettings(config: Config, needs: readonly TwilioSetting[], why: string): void {
  const missing = needs.filter((name) => !config[name]);
  if (missing.length === 0) return;
  throw badInput(
    `${why} needs Twilio settings: set ${missing.join(', ')} (in the environment or .env)`,
    missing.map((name) => ({ field: name, message: DESCRIPTIONS[name] })),
  );
}
