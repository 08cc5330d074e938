/**
 * A value read at most once per `ttlMs`: a scrape every few seconds from several Prometheus servers
 * costs one store query. Concurrent reads share one load; a failed load keeps the last value.
 */
export function cachedRead<T>(
  load: () => Promise<T>,
  ttlMs: number,
  options: { onError?: (error: unknown) => void; now?: () => number } = {},
) {
  const now = options.now ?? Date.now;
  let value: T | undefined;
  let readAt = -Infinity;
  let loading: Promise<T | undefined> | undefined;
  return (): Promise<T | undefined> => {
    if (now() - readAt < ttlMs) return Promise.resolve(value);
    loading ??= load()
      .then(
        (loaded) => {
          value = loaded;
          readAt = now();
          return loaded;
        },
        (error: unknown) => {
          options.onError?.(error);
          return value;
        },
      )
      .finally(() => (loading = undefined));
    return loading;
  };
}
