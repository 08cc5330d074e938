// Attribute names. Stable ones come from @opentelemetry/semantic-conventions; the GenAI and DynamoDB
// names are still "incubating" there, and the package asks that those be copied rather than
// imported (an incubating export may change in a minor release).
export {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';

export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const DB_SYSTEM_DYNAMODB = 'aws.dynamodb';

// Our own, under one prefix.
export const ATTR_CALL_SID = 'voice_agent.call_sid';
export const ATTR_AGENT_ID = 'voice_agent.agent_id';
export const ATTR_TRANSPORT = 'voice_agent.transport';
export const ATTR_TURN_SEQ = 'voice_agent.turn.seq';
export const ATTR_TURN_KIND = 'voice_agent.turn.kind';
export const ATTR_TURN_LATENCY_MS = 'voice_agent.turn.latency_ms';
export const ATTR_TURN_SERVER_ADDED_MS = 'voice_agent.turn.server_added_ms';
