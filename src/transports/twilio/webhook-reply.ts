// How a Twilio voice webhook answers: valid TwiML within Twilio's 15 s, whatever fails behind it.
import type { FastifyReply } from 'fastify';
import { AppError } from '../../domain/errors.js';

// Everything behind a voice webhook must finish before this, leaving margin under Twilio's 15 s.
// Counted from the moment Fastify received the request: under load a request can wait in the
// event loop's queue before its handler runs, and Twilio's clock started when it sent it.
export const WEBHOOK_DEADLINE_MS = 13_000;
const MIN_HANDLER_MS = 500;

export const HANGUP_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';

/** What is left of the webhook deadline for this request (never less than a short minimum). */
export function remainingMs(reply: FastifyReply, deadlineMs: number): number {
  return Math.max(MIN_HANDLER_MS, deadlineMs - reply.elapsedTime);
}

export class DeadlineExceeded extends Error {}

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

// Answering is idempotent (conditional writes), so a passing store fault (throttling) is retried a
// few times before the caller hears the fallback; the SDK's own retries come first.
const ANSWER_ATTEMPTS = 3;
const ANSWER_RETRY_DELAY_MS = 300;

export async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AppError && error.retryable) || attempt >= ANSWER_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, ANSWER_RETRY_DELAY_MS * attempt));
    }
  }
}

export function sendTwiml(reply: FastifyReply, twiml: string, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'text/xml; charset=utf-8').send(twiml);
}
