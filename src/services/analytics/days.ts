// Calendar days in a time zone, as "YYYY-MM-DD" strings (they sort and compare as strings).

/** A function giving the day an ISO time falls on in `timeZone`. Throws RangeError for an unknown zone. */
export function dayIn(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (iso) => format.format(new Date(iso));
}

export function isTimeZone(timeZone: string): boolean {
  try {
    dayIn(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Every day from `first` to `last`, both included. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  const date = new Date(`${first}T00:00:00Z`);
  const end = new Date(`${last}T00:00:00Z`).getTime();
  while (date.getTime() <= end) {
    days.push(date.toISOString().slice(0, 10));
    date.setUTCDate(date.getUTCDate() + 1);
  }
  return days;
}
