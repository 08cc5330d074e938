import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A bound of a calls list's started_at range: a day ("2024-05-01", the whole UTC day) or a date-time
 * with Z or an offset. Becomes the ISO form stored calls carry (UTC, milliseconds), so it compares
 * as a string. The API's `from`/`to` and the CLI's `--from`/`--to` read it the same way.
 */
export const startedBound = (edge: 'start' | 'end') =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'a date (2024-05-01) or a date-time with a time zone (2024-05-01T09:30:00Z)',
    })
    .transform((value) =>
      DAY.test(value)
        ? `${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`
        : new Date(value).toISOString(),
    )
    // An offset can push year 0000 or 9999 out of the four-digit form that compares as a string.
    .refine((iso) => /^\d{4}-/.test(iso), 'a time between the years 0000 and 9999 in UTC');
