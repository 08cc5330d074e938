// CSV request bodies (contact lists, do-not-call imports), read as text, for the plugin that calls it.
import type { FastifyInstance } from 'fastify';

// A 10,000-row contact list with a few variables is a few megabytes.
export const UPLOAD_BODY_LIMIT = 8 * 1_024 * 1_024;

export function acceptCsvBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: UPLOAD_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
}
