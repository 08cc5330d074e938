// Display formats. Times are shown in the browser's locale and time zone.
export function dateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

export function seconds(value) {
  if (value === undefined || value === null) return '—';
  const minutes = Math.floor(value / 60);
  return minutes > 0 ? `${minutes} min ${value % 60} s` : `${value} s`;
}

export function ms(value) {
  return value === undefined || value === null ? '—' : `${Math.round(value)} ms`;
}

/** Costs are stored in millionths of a US dollar. */
export function cost(microUsd) {
  if (microUsd === undefined || microUsd === null) return '—';
  return `$${(microUsd / 1_000_000).toFixed(microUsd > 0 && microUsd < 10_000 ? 6 : 4)}`;
}

export function words(value) {
  return value ? String(value).replaceAll('_', ' ') : '—';
}

/** "2024-05-01" in the browser's time zone, for date filters. */
export function localDay(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
