// Calls carry started_month = "YYYY-MM" (UTC, from the ISO started_at) as the MonthIndex partition.

/** Months walked back when listing all calls: two years of history without a table scan. */
export const MONTHS_LISTED = 24;

export function monthOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 7);
}

/** The month `count` months before `month` ("2024-01", 1 → "2023-12"). */
export function monthsBefore(month: string, count: number): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) - count;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}
