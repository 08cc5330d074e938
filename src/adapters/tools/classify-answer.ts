// What a tool's HTTP answer means for the model: a 2xx JSON or text answer is the result; a 4xx is
// a refusal the model hears (an order that does not exist); anything else is a failure with its
// reason. Secrets the request used are masked out of whatever the model reads.
import type { ToolAnswer } from '../../ports/tool-runner.js';
import type { ToolHttpResponse } from './tool-http-request.js';

// The model reads at most this much of an answer (a 64 KB answer is about 16,000 tokens).
export const MAX_RESULT_CHARS = 8_000;

export function maskSecrets(text: string, secretValues: readonly string[]): string {
  let masked = text;
  for (const value of secretValues) masked = masked.replaceAll(value, '[secret]');
  return masked;
}

const clip = (text: string) =>
  text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)} …(cut)` : text;

function readable(response: ToolHttpResponse): { text: string } | { error: string } {
  const text = response.body.toString('utf8');
  const type = response.contentType.toLowerCase();
  if (text.trim() === '') return { text: '{}' };
  if (type.includes('json') || (!type.startsWith('text/') && /^\s*[[{]/.test(text))) {
    try {
      return { text: JSON.stringify(JSON.parse(text)) };
    } catch {
      return { error: 'the answer is not valid JSON' };
    }
  }
  if (type.startsWith('text/') || type === '') return { text: text.trim() };
  return { error: `the answer is ${type.split(';')[0]}, not JSON or text` };
}

export function classifyAnswer(response: ToolHttpResponse, secretValues: readonly string[]): ToolAnswer {
  const { status } = response;
  const base = { httpStatus: status, responseBytes: response.body.length };
  if (status >= 500) return { status: 'failed', error: `the endpoint answered HTTP ${status}`, ...base };
  if (status >= 300 && status < 400)
    return { status: 'failed', error: `HTTP ${status} without a usable redirect`, ...base };
  if (status < 200) return { status: 'failed', error: `HTTP ${status}`, ...base };
  const body = readable(response);
  if (status >= 400) {
    const content = 'text' in body ? clip(maskSecrets(body.text, secretValues)) : '';
    return { status: 'rejected', error: `the endpoint answered HTTP ${status}`, content, ...base };
  }
  if ('error' in body) return { status: 'failed', error: body.error, ...base };
  return { status: 'ok', content: clip(maskSecrets(body.text, secretValues)), ...base };
}
