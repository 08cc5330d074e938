import type { CountryCode } from 'libphonenumber-js/max';
import { languageFamily } from './text-utils.js';

export interface PhoneContext {
  language: string;
  region?: string;
}

// A language tag without a country ("hi") is most often India's for these.
const INDIAN_LANGUAGES = new Set(['hi', 'mr', 'bn', 'ta', 'te', 'gu', 'kn', 'ml', 'pa', 'or', 'as']);

/**
 * The country of numbers said without a country code: the context's region, else the language's
 * (en-GB -> GB), else the one most speakers of the language call from (hi -> IN, others US).
 */
export function defaultRegion(context: PhoneContext): CountryCode {
  const explicit = context.region?.toUpperCase();
  if (explicit && /^[A-Z]{2}$/.test(explicit)) return explicit as CountryCode;
  const suffix = context.language.split('-')[1]?.toUpperCase();
  if (suffix && /^[A-Z]{2}$/.test(suffix)) return suffix as CountryCode;
  return (INDIAN_LANGUAGES.has(languageFamily(context.language)) ? 'IN' : 'US') as CountryCode;
}
