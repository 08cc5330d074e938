// Contacts uploaded as CSV or JSON, checked row by row: a bad row is reported (its row and field)
// and skipped, the good ones are kept. Checks: the number (valid, allowed country, not premium
// rate: the same guard every outbound call passes), duplicates, the time zone, and whether the
// campaign's calling hours can ever hold where the contact may be.
import { contactInputSchema, isTimeZone, type ContactInput } from '../../domain/campaign.js';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import { issuesFromZod } from '../validation.js';
import { parseCsv } from './csv.js';
import { describeHours, nextCallableTime, type HoursRule } from './local-time.js';

export const MAX_CONTACTS_PER_UPLOAD = 10_000;

export interface RowIssue extends FieldIssue {
  /** CSV: the spreadsheet row (the header is row 1). JSON: the item's position, from 1. */
  row: number;
}

export interface CheckedContact {
  row: number;
  number: string;
  name?: string;
  variables?: Record<string, string>;
  zones: string[];
  zone_source: 'contact' | 'number' | 'country' | 'campaign';
  /** When its first call may start (ms). */
  firstCallMs: number;
}

interface RawRow {
  row: number;
  input: unknown;
}

const NUMBER_COLUMNS = new Set(['number', 'phone', 'phone_number', 'to', 'mobile']);
const TIMEZONE_COLUMNS = new Set(['timezone', 'time_zone', 'tz']);
const columnName = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** CSV rows as contact inputs: number, name and timezone columns; every other column is a variable. */
export function rowsFromCsv(text: string): { rows: RawRow[]; issues: RowIssue[] } {
  const [header, ...lines] = parseCsv(text);
  if (!header) return { rows: [], issues: [{ row: 1, field: 'number', message: 'the file is empty' }] };
  const columns = header.map(columnName);
  if (!columns.some((c) => NUMBER_COLUMNS.has(c))) {
    return { rows: [], issues: [{ row: 1, field: 'number', message: 'no "number" (or "phone") column' }] };
  }
  const rows = lines.map((cells, index): RawRow => {
    const input: ContactInput = { number: '' };
    const variables: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (NUMBER_COLUMNS.has(column)) input.number ||= value;
      else if (column === 'name') input.name = value || undefined;
      else if (TIMEZONE_COLUMNS.has(column)) input.timezone = value || undefined;
      else if (column && value) variables[column] = value;
    });
    if (Object.keys(variables).length > 0) input.variables = variables;
    return { row: index + 2, input };
  });
  return { rows, issues: [] };
}

export function rowsFromJson(items: readonly unknown[]): RawRow[] {
  return items.map((input, index) => ({ row: index + 1, input }));
}

export interface ContactCheckContext {
  /** The outbound guard: the number in E.164, or AppError naming what is wrong with it. */
  checkDestination: (number: string) => string;
  /** Zones a number may ring in, when its data knows. */
  zonesOfNumber: (e164: string) => { zones: string[]; source: 'number' | 'country' } | undefined;
  rule: HoursRule;
  defaultTimezone?: string;
  nowMs: number;
}

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.issues[0]?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Every row checked: the contacts to keep, and one issue per skipped row. */
export function checkContacts(
  rows: readonly RawRow[],
  context: ContactCheckContext,
): { contacts: CheckedContact[]; issues: RowIssue[] } {
  const contacts: CheckedContact[] = [];
  const issues: RowIssue[] = [];
  const seen = new Map<string, number>();
  const firstCall = new Map<string, number | undefined>();
  for (const { row, input } of rows) {
    const parsed = contactInputSchema.safeParse(input);
    if (!parsed.success) {
      const [first] = issuesFromZod(parsed.error);
      issues.push({ row, field: first?.field ?? 'number', message: first?.message ?? 'invalid' });
      continue;
    }
    const contact = parsed.data;
    let number: string;
    try {
      number = context.checkDestination(contact.number);
    } catch (error) {
      issues.push({ row, field: 'number', message: messageOf(error) });
      continue;
    }
    const earlier = seen.get(number);
    if (earlier !== undefined) {
      issues.push({ row, field: 'number', message: `a duplicate of row ${earlier}` });
      continue;
    }
    if (contact.timezone && !isTimeZone(contact.timezone)) {
      issues.push({ row, field: 'timezone', message: `unknown time zone "${contact.timezone}"` });
      continue;
    }
    const fromNumber = contact.timezone ? undefined : context.zonesOfNumber(number);
    const zones = contact.timezone
      ? [contact.timezone]
      : (fromNumber?.zones ?? (context.defaultTimezone ? [context.defaultTimezone] : []));
    if (zones.length === 0) {
      issues.push({
        row,
        field: 'timezone',
        message:
          "the number's time zone is unknown: give the contact's timezone or a campaign default_timezone",
      });
      continue;
    }
    const key = zones.join(' ');
    if (!firstCall.has(key)) firstCall.set(key, nextCallableTime(context.nowMs, zones, context.rule));
    const firstCallMs = firstCall.get(key);
    if (firstCallMs === undefined) {
      const where =
        zones.length > 1 ? `in all of its possible time zones (${zones.join(', ')})` : `in ${key}`;
      issues.push({
        row,
        field: 'timezone',
        message: `the calling hours (${describeHours(context.rule.calling_hours)}) never hold ${where} while the campaign runs${zones.length > 1 ? ': give its timezone' : ''}`,
      });
      continue;
    }
    seen.set(number, row);
    const variables = { ...contact.variables, ...(contact.name ? { name: contact.name } : {}) };
    contacts.push({
      row,
      number,
      ...(contact.name ? { name: contact.name } : {}),
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
      zones,
      zone_source: contact.timezone ? 'contact' : (fromNumber?.source ?? 'campaign'),
      firstCallMs,
    });
  }
  return { contacts, issues };
}
