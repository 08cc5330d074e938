// Every Twilio webhook is checked against X-Twilio-Signature over PUBLIC_URL + the path and query as
// received. Every failure, a missing header included, answers 403 and is logged with the reason and
// route only (never the body, which holds phone numbers and speech).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyTwilioSignature, type FormParams } from '../../adapters/twilio/signature.js';

export interface TwilioWebhookAuth {
  publicUrl: string;
  authTokens: string[];
  accountSid: string;
  validate: boolean;
}

/**
 * The form parameters of a Twilio request: strings, and arrays of strings for repeated keys. The
 * Twilio routes' parser (form-body.ts) produces nothing else; anything else is dropped here rather
 * than converted, so no value can make this recurse.
 */
export function formParams(request: FastifyRequest): FormParams {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  // No prototype: a parameter named __proto__ stays a parameter (and in the signed set) instead of
  // replacing the object's prototype.
  const params: FormParams = Object.create(null) as FormParams;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value))
      params[key] = value.filter((item): item is string => typeof item === 'string');
  }
  return params;
}

/** A preHandler; answers the request itself when it fails. */
export function twilioSignatureCheck(auth: TwilioWebhookAuth) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!auth.validate) return;
    const params = formParams(request);
    const signature = request.headers['x-twilio-signature'];
    const check = verifyTwilioSignature({
      authTokens: auth.authTokens,
      publicUrl: auth.publicUrl,
      pathAndQuery: request.url,
      params,
      signature: typeof signature === 'string' ? signature : undefined,
    });
    if (!check.valid) {
      request.log.warn({ reason: check.reason, route: request.routeOptions.url }, 'twilio signature refused');
      await reply.code(403).send({ error: 'forbidden', message: 'invalid Twilio signature' });
      return;
    }
    const accountSid = params.AccountSid;
    if (typeof accountSid === 'string' && accountSid !== auth.accountSid) {
      request.log.warn({ route: request.routeOptions.url }, 'twilio request for another account refused');
      await reply.code(403).send({ error: 'forbidden', message: 'AccountSid does not match this server' });
    }
  };
}
