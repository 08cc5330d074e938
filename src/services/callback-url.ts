// The URLs we hand Twilio (answer, action, redirect, callback and socket URLs): our public URL, a path,
// and the query with its keys in sorted order. Twilio signs the URL it requests, and public reports say
// it may reorder a query before signing; a sorted query reads the same either way.

export type CallbackQuery = Record<string, string | number | undefined>;

/** The path and its sorted query (`/twilio/gather?retry=1&seq=3`); undefined values are left out. */
export function callbackPath(path: string, query: CallbackQuery = {}): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    // Code-unit order, as Twilio sorts the parameters it signs.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

/** PUBLIC_URL (any trailing slash dropped) plus callbackPath(path, query). */
export function callbackUrl(publicUrl: string, path: string, query: CallbackQuery = {}): string {
  return `${publicUrl.replace(/\/+$/, '')}${callbackPath(path, query)}`;
}
