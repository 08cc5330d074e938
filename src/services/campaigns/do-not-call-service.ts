// The project's do-not-call list: people add numbers (API, CLI, dashboard, CSV import), and so does a
// caller who asks not to be called again. Every campaign attempt checks it first.
import { z } from 'zod';
import type { Call } from '../../domain/call.js';
import type { DoNotCallEntry } from '../../domain/campaign.js';
import { notFound } from '../../domain/errors.js';
import type { DoNotCallStore } from '../../ports/do-not-call-store.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { normalizeE164 } from '../phone-number-service.js';
import { parseOrThrow } from '../validation.js';
import type { Clock } from './clock.js';
import type { RowIssue } from './contact-import.js';
import { parseCsv } from './csv.js';

export const doNotCallAddSchema = z
  .object({
    phone_number: z.string().min(1).max(32),
    reason: z.string().trim().max(200).optional(),
  })
  .strict();

const NUMBER_COLUMNS = ['phone_number', 'number', 'phone'];

export class DoNotCallService {
  constructor(
    private readonly store: DoNotCallStore,
    private readonly clock: Clock,
  ) {}

  /** Adds a number; an already listed number keeps its first entry (`added` false). */
  async add(input: unknown, addedBy: string): Promise<{ entry: DoNotCallEntry; added: boolean }> {
    const body = parseOrThrow(doNotCallAddSchema, input);
    const entry: DoNotCallEntry = {
      phone_number: normalizeE164(body.phone_number),
      added_by: addedBy,
      added_at: new Date(this.clock.now()).toISOString(),
      ...(body.reason ? { reason: body.reason } : {}),
    };
    if (await this.store.add(entry)) return { entry, added: true };
    return { entry: (await this.store.get(entry.phone_number)) ?? entry, added: false };
  }

  /** The engine's hook: the person on this call asked never to be called again. */
  async fromCaller(call: Call): Promise<void> {
    await this.store.add({
      phone_number: call.recipient_phone,
      added_by: 'caller',
      added_at: new Date(this.clock.now()).toISOString(),
      reason: 'asked during a call not to be called again',
      call_sid: call.call_sid,
    });
  }

  async get(phoneNumber: string): Promise<DoNotCallEntry> {
    const entry = await this.store.get(normalizeE164(phoneNumber));
    if (!entry) throw notFound(`${phoneNumber} on the do-not-call list`);
    return entry;
  }

  async remove(phoneNumber: string): Promise<void> {
    if (!(await this.store.remove(normalizeE164(phoneNumber))))
      throw notFound(`${phoneNumber} on the do-not-call list`);
  }

  list(page: PageRequest): Promise<Page<DoNotCallEntry>> {
    return this.store.list(page);
  }

  /** A CSV with a phone_number (or number, phone) column and an optional reason column. */
  async importCsv(
    text: string,
    addedBy: string,
  ): Promise<{ added: number; already: number; issues: RowIssue[] }> {
    const [header = [], ...rows] = parseCsv(text);
    const columns = header.map((h) => h.trim().toLowerCase());
    const numberAt = columns.findIndex((c) => NUMBER_COLUMNS.includes(c));
    const reasonAt = columns.indexOf('reason');
    if (numberAt < 0)
      return {
        added: 0,
        already: 0,
        issues: [{ row: 1, field: 'phone_number', message: 'no phone_number column' }],
      };
    let added = 0;
    let already = 0;
    const issues: RowIssue[] = [];
    for (const [index, cells] of rows.entries()) {
      const row = index + 2;
      try {
        const reason = reasonAt >= 0 ? cells[reasonAt]?.trim() : undefined;
        const result = await this.add(
          { phone_number: cells[numberAt] ?? '', ...(reason ? { reason } : {}) },
          addedBy,
        );
        if (result.added) added += 1;
        else already += 1;
      } catch (error) {
        issues.push({
          row,
          field: 'phone_number',
          message: error instanceof Error ? error.message.replace(/^phone_number: /, '') : String(error),
        });
      }
    }
    return { added, already, issues };
  }
}
