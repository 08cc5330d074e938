// Placing calls: Twilio's REST API (only with real credentials from the environment), the outbound
// guards, idempotency and the rate limit; the parts are kept so that campaigns can build a second
// CallService on the simulator with the same guards and stores.
import type { DynamoClients } from '../adapters/dynamodb/index.js';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store.js';
import { TwilioRestTelephony } from '../adapters/twilio/rest-telephony.js';
import type { Config } from '../config.js';
import type { Agent } from '../domain/agent.js';
import { realtimeModelOf } from '../domain/realtime-settings.js';
import type { RealtimeModelFactory } from '../ports/realtime-model.js';
import type { CallStore } from '../ports/call-store.js';
import type { AgentService } from '../services/agent-service.js';
import { CallService } from '../services/call-service.js';
import type { PhoneNumberService } from '../services/phone-number-service.js';
import { RateLimiter } from '../services/rate-limiter.js';

export function buildCalls(
  config: Config,
  deps: {
    dynamo: DynamoClients;
    calls: CallStore;
    agents: AgentService;
    phoneNumbers: PhoneNumberService;
    realtimeModels: RealtimeModelFactory;
  },
) {
  const telephony = new TwilioRestTelephony({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_ACCOUNT_SID ? config.TWILIO_AUTH_TOKEN : undefined,
    apiUrl: config.TWILIO_API_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const callServiceParts: ConstructorParameters<typeof CallService> = [
    {
      calls: deps.calls,
      agents: deps.agents,
      phoneNumbers: deps.phoneNumbers,
      telephony,
      idempotency: new DynamoIdempotencyStore({ doc: deps.dynamo.doc, table: config.tables.idempotency }),
      rateLimiter: new RateLimiter(config.CALLS_PER_MINUTE),
    },
    {
      // A realtime agent whose model has no key is answered over its fallback transport.
      realtimeAvailable: (agent: Agent) => deps.realtimeModels.forAgent(realtimeModelOf(agent)) !== undefined,
      publicUrl: config.publicUrl,
      defaultFrom: config.TWILIO_PHONE_NUMBER,
      allowedCountries: config.ALLOWED_DESTINATION_COUNTRIES,
      record: config.RECORD_CALLS,
      machineDetection: config.ANSWERING_MACHINE_DETECTION,
      defaultTransport: config.DEFAULT_TRANSPORT,
    },
  ];
  return { telephony, callServiceParts, calls: new CallService(...callServiceParts) };
}
