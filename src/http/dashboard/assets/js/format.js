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

/** "850 ms" under a second, "2.4 s" from one second. */
export function duration(value) {
  if (value === undefined || value === null) return '—';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** Costs are stored in millionths of a US dollar. */
export function cost(microUsd) {
  if (microUsd === undefined || microUsd === null) return '—';
  return `$${(microUsd / 1_000_000).toFixed(microUsd > 0 && microUsd < 10_000 ? 6 : 4)}`;
}

export function words(value) {
  return value ? String(value).replaceAll('_', ' ') : '—';
}

/**
 * The first (`start`) or last (`end`) millisecond of a day picked in a date input ("2024-05-01"),
 * in the browser's time zone, as an ISO date-time for the API's from/to; '' when there is no day.
 */
export function dayBound(day, edge) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!match) return day ?? '';
  const [year, month, date] = match.slice(1).map(Number);
  const start = new Date(year, month - 1, date);
  const bound = edge === 'start' ? start : new Date(new Date(year, month - 1, date + 1).getTime() - 1);
  return bound.toISOString();
}
