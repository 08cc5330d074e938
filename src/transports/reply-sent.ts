// When a webhook transport's answer left: the moment its reply went out to Twilio or the browser.
import type { FastifyReply } from 'fastify';

/**
 * Calls `done(true)` once the response was handed to the connection in full ('finish'), or
 * `done(false)` when the connection closed before that.
 */
export function whenSent(reply: FastifyReply, done: (sent: boolean) => void): void {
  const response = reply.raw;
  const onFinish = () => {
    response.off('close', onClose);
    done(true);
  };
  const onClose = () => {
    response.off('finish', onFinish);
    done(response.writableFinished);
  };
  response.once('finish', onFinish);
  response.once('close', onClose);
}
