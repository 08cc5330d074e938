// Server-sent events (the WHATWG event-stream format) read from a byte stream: yields each event's
// data, its `data:` lines joined with "\n". Comments, `event:`, `id:` and `retry:` lines are skipped:
// the model APIs we read put everything in `data`. A multi-byte character split between two chunks
// is decoded whole.

/** The data of each event in `chunks`; a last event without its blank line still counts. */
export async function* sseData(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string[] = [];
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf('\n', start); end !== -1; end = pending.indexOf('\n', start)) {
      const line =
        pending.charCodeAt(end - 1) === 13 ? pending.slice(start, end - 1) : pending.slice(start, end);
      start = end + 1;
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      }
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.startsWith('data:'))
    data.push(pending.charCodeAt(5) === 32 ? pending.slice(6) : pending.slice(5));
  if (data.length > 0) yield data.join('\n');
}
