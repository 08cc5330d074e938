// Campaigns: the scheduler places each attempt through CallService. Without a Twilio account a
// second CallService (same guards, stores and rate limit) places them through the simulator.
import { DynamoCampaignStore } from '../adapters/dynamodb/campaign-store.js';
import { DynamoDoNotCallStore } from '../adapters/dynamodb/do-not-call-store.js';
import type { DynamoClients } from '../adapters/dynamodb/index.js';
import { DynamoPacerStore } from '../adapters/dynamodb/pacer-store.js';
import { numberTimeZones } from '../adapters/phone/number-time-zones.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { CallStore } from '../ports/call-store.js';
import type { AgentService } from '../services/agent-service.js';
import { CallService } from '../services/call-service.js';
import { CampaignScheduler, type SchedulerOptions } from '../services/campaigns/campaign-scheduler.js';
import { CampaignService } from '../services/campaigns/campaign-service.js';
import { systemClock, type Clock } from '../services/campaigns/clock.js';
import { DoNotCallService } from '../services/campaigns/do-not-call-service.js';
import { SIMULATED_CALLER_NUMBER, SimulatedTelephony } from '../simulator/simulated-telephony.js';
import type { OnClose } from './cleanups.js';
import type { openStores } from './stores.js';

type StoreOptions = Awaited<ReturnType<typeof openStores>>['storeOptions'];

export interface CampaignWiringDeps {
  dynamo: DynamoClients;
  storeOptions: StoreOptions;
  calls: CallStore;
  agents: AgentService;
  /** The server's CallService, and what a second one for simulated calls is built from. */
  callService: CallService;
  callServiceParts: ConstructorParameters<typeof CallService>;
  /** Whether Twilio credentials came from the environment (else attempts go to the simulator). */
  realTwilio: boolean;
  logger: Logger;
  clock?: Clock;
  scheduler?: Partial<SchedulerOptions>;
}

/** The do-not-call list first: the engine needs it before the campaigns that need the engine's calls. */
export function buildDoNotCall(
  config: Config,
  deps: { storeOptions: CampaignWiringDeps['storeOptions']; clock?: Clock },
) {
  const store = new DynamoDoNotCallStore({ ...deps.storeOptions, table: config.tables.doNotCall });
  return { doNotCallStore: store, doNotCall: new DoNotCallService(store, deps.clock ?? systemClock) };
}

export function buildCampaigns(
  config: Config,
  deps: CampaignWiringDeps & ReturnType<typeof buildDoNotCall>,
  onClose: OnClose,
) {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  const campaignStore = new DynamoCampaignStore({
    ...deps.storeOptions,
    campaignsTable: config.tables.campaigns,
    contactsTable: config.tables.campaignContacts,
    attemptsTable: config.tables.campaignAttempts,
  });
  const pacerStore = new DynamoPacerStore({ doc: deps.dynamo.doc, table: config.tables.campaigns });
  const simulatedTelephony = deps.realTwilio
    ? undefined
    : new SimulatedTelephony((error, callSid) =>
        logger.error({ err: error, call_sid: callSid }, 'simulated call failed'),
      );
  if (simulatedTelephony) onClose(() => simulatedTelephony.drain());
  const [callDeps, callOptions] = deps.callServiceParts;
  const campaignCalls = simulatedTelephony
    ? new CallService(
        { ...callDeps, telephony: simulatedTelephony },
        { ...callOptions, defaultFrom: callOptions.defaultFrom ?? SIMULATED_CALLER_NUMBER },
      )
    : deps.callService;
  const campaignScheduler = new CampaignScheduler({
    store: campaignStore,
    pacer: pacerStore,
    doNotCall: deps.doNotCallStore,
    calls: deps.calls,
    placeCall: (request, campaign, key) => campaignCalls.startCampaignCall(request, campaign, key),
    clock,
    logger,
    options: deps.scheduler,
  });
  const campaigns = new CampaignService({
    store: campaignStore,
    pacer: pacerStore,
    agents: deps.agents,
    clock,
    checkDestination: (number) => deps.callService.checkDestination(number),
    zonesOfNumber: numberTimeZones,
    wake: () => campaignScheduler.wake({ refresh: true }),
  });
  return {
    campaigns,
    campaignStore,
    pacerStore,
    campaignScheduler,
    ...(simulatedTelephony ? { simulatedTelephony } : {}),
  };
}
