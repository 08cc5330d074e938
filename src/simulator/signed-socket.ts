// Opens a WebSocket to our server as Twilio does for ConversationRelay and Media Streams: the handshake
// carries X-Twilio-Signature over the wss:// URL from our TwiML, with no parameters.
import WebSocket from 'ws';
import { AppError } from '../domain/errors.js';
import { signTwilioRequest } from '../adapters/twilio/signature.js';

/** The handshake was answered with an HTTP status instead of an upgrade. */
export class HandshakeError extends AppError {
  constructor(
    readonly statusCode: number,
    what = 'socket',
  ) {
    super(
      statusCode === 401 || statusCode === 403 ? 'forbidden' : 'upstream',
      `${what} handshake rejected: ${statusCode}`,
    );
  }
}

export interface SignedSocketOptions {
  /** Where to connect: our server's ws://127.0.0.1:port/… */
  wsUrl: string;
  /** The public wss:// URL from our TwiML, which Twilio signs. Defaults to wsUrl. */
  signedUrl?: string;
  authToken: string;
  /** Replaces the computed X-Twilio-Signature; null sends none (handshake tests). */
  signature?: string | null;
  connectTimeoutMs?: number;
}

export async function openSignedSocket(
  options: SignedSocketOptions,
  refused: (statusCode: number) => AppError,
  what: string,
): Promise<WebSocket> {
  const signature =
    options.signature === undefined
      ? signTwilioRequest(options.authToken, options.signedUrl ?? options.wsUrl, {})
      : options.signature;
  const socket = new WebSocket(options.wsUrl, {
    headers: signature === null ? {} : { 'X-Twilio-Signature': signature },
    handshakeTimeout: options.connectTimeoutMs ?? 5_000,
    maxPayload: 1024 * 1024,
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('error', () => undefined); // a destroyed handshake may report twice; the first one rejects
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (request, response) => {
      response.resume();
      request.destroy();
      reject(refused(response.statusCode ?? 0));
    });
    socket.once('error', (error) =>
      reject(new AppError('unavailable', `${what} connection failed`, { cause: error })),
    );
  });
  return socket;
}
