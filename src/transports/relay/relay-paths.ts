// Where Twilio reaches the relay transport: the socket it opens, and the <Connect action> URL it
// requests when a session ends.
export const RELAY_SOCKET_PATH = '/twilio/relay';
export const RELAY_ACTION_PATH = '/twilio/relay-action';
