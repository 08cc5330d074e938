// What a Twilio webhook body may be: application/x-www-form-urlencoded, parsed flat. Twilio never
// sends nested keys (`a[b]`), JSON or multipart, so a route under /twilio/ refuses anything else
// before the signature check, with 415 (another content type) or 400 (a bad form), and never
// hands a handler a nested value: a JSON body of 30,000 nested arrays once reached the signature
// check and overflowed the stack in String() (a 500 on every Twilio route).
import type { FastifyInstance } from 'fastify';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { AppError } from '../../domain/errors.js';

export const TWILIO_CONTENT_TYPE = 'application/x-www-form-urlencoded';
// Twilio's largest callbacks (a voice webhook with caller location, a Gather result, a recording
// callback) carry under 50 parameters; a form with more is not Twilio's.
export const MAX_FORM_PARAMETERS = 200;

/** A 4xx that names what Twilio's webhooks accept (the error handler keeps its status and message). */
function unsupportedContentType(): Error {
  return Object.assign(new Error(`Twilio webhooks take ${TWILIO_CONTENT_TYPE} bodies only`), {
    statusCode: 415,
    code: 'TWILIO_CONTENT_TYPE',
  });
}

/**
 * Key-value pairs as URLSearchParams reads them (no nesting: `a[b]` is a key), repeated keys as
 * arrays, in an object without a prototype (a key named __proto__ stays a parameter).
 */
export function parseTwilioForm(text: string): FormParams {
  const params = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    count += 1;
    if (count > MAX_FORM_PARAMETERS) {
      throw new AppError('validation', `the form has more than ${MAX_FORM_PARAMETERS} parameters`);
    }
    const previous = params[key];
    if (previous === undefined) params[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else params[key] = [previous, value];
  }
  return params;
}

/** Replaces every body parser of this (encapsulated) context with the flat form parser. */
export function acceptTwilioFormsOnly(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    TWILIO_CONTENT_TYPE,
    { parseAs: 'string', bodyLimit: options.bodyLimit },
    (_request, body, done) => {
      try {
        done(null, parseTwilioForm(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // Also a body without a content type: Fastify hands it to the catch-all parser.
  app.addContentTypeParser('*', (_request, _payload, done) => done(unsupportedContentType(), undefined));
}
