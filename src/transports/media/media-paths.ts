// Where Twilio reaches the Media Streams transport: the socket its <Connect><Stream> opens (the call
// named in the path, as Twilio takes the URL without a query), and the URL the call goes on at when
// our server ends the stream.
export const MEDIA_SOCKET_PATH = '/twilio/media';
/** The socket route as Fastify declares it: `/twilio/media/CA…/<session>/<token>`. */
export const MEDIA_SOCKET_ROUTE = `${MEDIA_SOCKET_PATH}/:call_sid/:session/:t`;
export const MEDIA_ACTION_PATH = '/twilio/media-action';
