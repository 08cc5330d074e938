// JSON calls to the server's API. The session cookie authenticates them; the custom header marks
// them as ours (the server refuses cookie-authenticated changes without it: CSRF).
export class ApiError extends Error {
  constructor(status, body, retryAfterSeconds) {
    super(body?.message || `request failed (${status})`);
    this.status = status;
    this.code = body?.error ?? 'internal';
    this.issues = Array.isArray(body?.issues) ? body.issues : [];
    /** From Retry-After (429, 503), when the server sent one. */
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export async function api(method, path, { body, headers, signal, keepalive } = {}) {
  const init = {
    method,
    headers: { 'x-requested-with': 'voice-agent', accept: 'application/json', ...headers },
    credentials: 'same-origin',
    signal,
    keepalive,
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, { error: 'unavailable', message: 'the server cannot be reached' });
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (response.status === 401 && path !== '/dashboard/session') {
    window.dispatchEvent(new CustomEvent('session-ended'));
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      data,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return { data, headers: response.headers };
}

export const get = async (path, options) => (await api('GET', path, options)).data;

/** `/calls?agent_id=x`, leaving out empty values. */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
