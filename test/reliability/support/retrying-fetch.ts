// Twilio's side of a server crash: a webhook that cannot connect, or whose connection dies before the
// answer, is delivered again (the same body, signature and idempotency token) until the server is
// back or the deadline passes. Every delivery and its outcome is recorded, so a test can tell which
// webhooks were acknowledged (HTTP 200 received by "Twilio") and which were retried.

export interface Delivery {
  url: string;
  body: string;
  /** HTTP status of the answer that reached us; 0 when every attempt failed. */
  status: number;
  responseBody: string;
  /** Attempts that failed at the network level before this answer. */
  retries: number;
}

export interface RetryingFetch {
  fetch: typeof fetch;
  deliveries: Delivery[];
  /** Network failures seen (each one retried). */
  readonly failures: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function retryingFetch(
  options: { deadlineMs?: number; attemptTimeoutMs?: number } = {},
): RetryingFetch {
  const deliveries: Delivery[] = [];
  let failures = 0;
  const deadlineMs = options.deadlineMs ?? 60_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 15_000;
  const retrying = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const body = typeof init.body === 'string' ? init.body : '';
    const giveUpAt = Date.now() + deadlineMs;
    for (let retries = 0; ; retries += 1) {
      try {
        // Each attempt gets Twilio's own budget; the caller's signal would cover all attempts.
        const response = await fetch(input, { ...init, signal: AbortSignal.timeout(attemptTimeoutMs) });
        const responseBody = await response.text();
        deliveries.push({ url, body, status: response.status, responseBody, retries });
        const nullBody = [101, 204, 205, 304].includes(response.status);
        return new Response(nullBody ? null : responseBody, {
          status: response.status,
          headers: response.headers,
        });
      } catch (error) {
        failures += 1;
        if (Date.now() > giveUpAt) {
          deliveries.push({ url, body, status: 0, responseBody: '', retries });
          throw error;
        }
        await sleep(100);
      }
    }
  };
  return {
    fetch: retrying as typeof fetch,
    deliveries,
    get failures() {
      return failures;
    },
  };
}
