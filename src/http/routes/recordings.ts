import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { CallStore } from '../../ports/call-store.js';
import type { RecordingStore } from '../../ports/recording-store.js';
import { errorBodySchema } from '../error-handler.js';

// Presigned URLs work for anyone holding them until they expire: keep them short-lived, and never
// store or log them (reliability.md 3). Request logs carry the route pattern, not the reply.
export const RECORDING_URL_TTL_SECONDS = 300;

const sidParams = z.object({ sid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a call SID') }).strict();
const query = z
  .object({ redirect: z.enum(['1', 'true', '0', 'false']).optional().describe('1: answer 302 to the URL') })
  .strict();

export interface RecordingRoutesOptions {
  calls: CallStore;
  recordings: RecordingStore;
}

/** GET /calls/:sid/recording (admin): a short-lived presigned URL of the copied recording. */
export const recordingRoutes: FastifyPluginAsync<RecordingRoutesOptions> = async (
  app,
  { calls, recordings },
) => {
  app.get(
    '/calls/:sid/recording',
    {
      schema: {
        tags: ['calls'],
        summary: 'A short-lived link to the call recording (or a redirect to it with ?redirect=1)',
        params: sidParams,
        querystring: query,
        response: {
          200: z.object({ url: z.string(), expires_in_seconds: z.number() }),
          302: z.null(),
          401: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { sid } = request.params as z.infer<typeof sidParams>;
      const { redirect } = request.query as z.infer<typeof query>;
      const call = await calls.get(sid);
      if (!call) throw new AppError('not_found', 'call not found');
      const recording = call.recording;
      if (!recording || recording.status !== 'copied' || !recording.s3_key) {
        const state = recording ? `the recording is ${recording.status}` : 'the call has no recording';
        throw new AppError('not_found', `no recording to play: ${state}`);
      }
      const url = await recordings.presignGet(recording.s3_key, RECORDING_URL_TTL_SECONDS);
      reply.header('cache-control', 'no-store');
      if (redirect === '1' || redirect === 'true') return reply.redirect(url, 302);
      return { url, expires_in_seconds: RECORDING_URL_TTL_SECONDS };
    },
  );
};
