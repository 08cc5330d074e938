import type { DoNotCallEntry } from '../domain/campaign.js';
import type { Page, PageRequest } from './page.js';

/** Numbers nobody may call, with who added each and when. */
export interface DoNotCallStore {
  /** Adds the number; false when it is already listed (the first entry is kept). */
  add(entry: DoNotCallEntry): Promise<boolean>;
  get(phoneNumber: string): Promise<DoNotCallEntry | undefined>;
  /** False when the number was not listed. */
  remove(phoneNumber: string): Promise<boolean>;
  list(page: PageRequest): Promise<Page<DoNotCallEntry>>;
}
