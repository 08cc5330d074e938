// Every agent (all statuses), for selects and for showing names instead of ids.
import { get, withQuery } from './api.js';

const STATUSES = ['active', 'inactive', 'archived'];
// Pages of 100 up to this many per status: plenty for a dashboard select.
const MAX_PAGES = 10;

export async function loadAllAgents(signal, statuses = STATUSES) {
  const agents = [];
  for (const status of statuses) {
    let cursor;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await get(withQuery('/agents', { status, limit: 100, cursor }), { signal });
      agents.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
  }
  return agents;
}
