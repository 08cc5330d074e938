import { HINDI_DIGIT_WORDS } from './digit-words.js';
import { HINDI_NUMBER_WORDS } from './hindi-numbers.js';
import { nfcKeys } from './text-utils.js';

// Hindi date words rewritten as English for chrono, in Devanagari and as an English recognizer
// writes them ("kal", "parson", "agle Monday"). In a booking conversation "कल"/"kal" means
// tomorrow (it also means yesterday; the forward reading is the useful one here).
// prettier-ignore
const HINDI_DATE_WORDS = nfcKeys({
  परसों: 'the day after tomorrow', कल: 'tomorrow', आज: 'today', 'अगले हफ्ते': 'next week',
  'अगले हफ़्ते': 'next week', अगले: 'next', अगला: 'next', सोमवार: 'monday', मंगलवार: 'tuesday',
  बुधवार: 'wednesday', गुरुवार: 'thursday', वीरवार: 'thursday', शुक्रवार: 'friday', शनिवार: 'saturday',
  रविवार: 'sunday', जनवरी: 'january', फरवरी: 'february', फ़रवरी: 'february', मार्च: 'march', अप्रैल: 'april',
  मई: 'may', जून: 'june', जुलाई: 'july', अगस्त: 'august', सितंबर: 'september', सितम्बर: 'september',
  अक्टूबर: 'october', नवंबर: 'november', नवम्बर: 'november', दिसंबर: 'december', दिसम्बर: 'december',
  दिन: 'days', हफ्ते: 'weeks', हफ़्ते: 'weeks', बाद: 'later',
});
// prettier-ignore
const ROMAN_HINDI_DATE_WORDS: Readonly<Record<string, string>> = {
  parson: 'the day after tomorrow', parso: 'the day after tomorrow', parsoon: 'the day after tomorrow',
  kal: 'tomorrow', aaj: 'today', 'agle hafte': 'next week', agle: 'next', agla: 'next', agli: 'next',
  hafte: 'weeks', hafta: 'week',
  somvar: 'monday', somwar: 'monday', mangalvar: 'tuesday', mangalwar: 'tuesday', budhvar: 'wednesday',
  budhwar: 'wednesday', guruvar: 'thursday', guruwar: 'thursday', veervar: 'thursday', shukravar: 'friday',
  shukrawar: 'friday', shanivar: 'saturday', shaniwar: 'saturday', ravivar: 'sunday', raviwar: 'sunday',
  itvaar: 'sunday', itwar: 'sunday', din: 'days', baad: 'later',
};
// Hindi numbers become digits so chrono reads "पंद्रह मार्च" as 15 March.
const HINDI_NUMBERS = Object.fromEntries(
  Object.entries({ ...HINDI_DIGIT_WORDS, ...HINDI_NUMBER_WORDS }).map(([word, n]) => [word, String(n)]),
);
const DEVANAGARI: Readonly<Record<string, string>> = { ...HINDI_NUMBERS, ...HINDI_DATE_WORDS };

const alternation = (words: string[]) => [...words].sort((a, b) => b.length - a.length).join('|');
// \b does not see Devanagari letters as word characters, so those words are bounded by hand.
const DEVANAGARI_WORD = new RegExp(
  `(^|[\\s,.।?!])(${alternation(Object.keys(DEVANAGARI))})(?=$|[\\s,.।?!])`,
  'gu',
);
const ROMAN_WORD = new RegExp(`\\b(${alternation(Object.keys(ROMAN_HINDI_DATE_WORDS))})\\b`, 'gi');

// chrono reads "next week Tuesday" ("अगले हफ्ते मंगलवार") as next Monday.
const NEXT_WEEK_DAY =
  /\bnext week,?\s+(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi;

/** "अगले शुक्रवार को" -> "next friday को", "kal subah" -> "tomorrow subah", "2 din baad" -> "in 2 days". */
export function englishDateWords(text: string): string {
  return (
    text
      .replace(DEVANAGARI_WORD, (_m, lead: string, word: string) => `${lead}${DEVANAGARI[word] as string}`)
      .replace(ROMAN_WORD, (word) => ROMAN_HINDI_DATE_WORDS[word.toLowerCase()] as string)
      // chrono reads neither "2 days later" ("दो दिन बाद") nor "day after tomorrow" (as tomorrow).
      .replace(/\b(\d{1,2}) (days|weeks) later\b/gi, 'in $1 $2')
      .replace(/\b(the )?day after tomorrow\b/gi, 'in 2 days')
      .replace(NEXT_WEEK_DAY, 'next $1')
  );
}

// prettier-ignore
export const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
};
export const MONTHS =
  'jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december';
// An ordinal word after "the" or a month is a day: "March the twentieth", "the twenty-first".
// "first thing tomorrow" is not, so other ordinals are left alone.
const SPOKEN_ORDINAL = new RegExp(
  `\\b(the|${MONTHS})\\s+(?:(twenty|thirty)[\\s-]+)?(${Object.keys(ORDINAL_WORDS).join('|')})\\b`,
  'gi',
);
const MONTH_THE_DAY = new RegExp(`\\b(${MONTHS})\\s+the\\s+(\\d{1,2}(?:st|nd|rd|th))\\b`, 'gi');

const suffix = (day: number) =>
  day % 10 === 1 && day !== 11
    ? 'st'
    : day % 10 === 2 && day !== 12
      ? 'nd'
      : day % 10 === 3 && day !== 13
        ? 'rd'
        : 'th';

/** "March the twentieth" -> "March 20th", "the twenty-first" -> "the 21st", as chrono reads them. */
export function ordinalDigits(text: string): string {
  return text
    .replace(SPOKEN_ORDINAL, (match, lead: string, tens: string | undefined, unit: string) => {
      const day =
        (tens ? (tens.toLowerCase() === 'twenty' ? 20 : 30) : 0) + (ORDINAL_WORDS[unit.toLowerCase()] ?? 0);
      const valid = day >= 1 && day <= 31 && (!tens || (ORDINAL_WORDS[unit.toLowerCase()] ?? 10) < 10);
      return valid ? `${lead} ${day}${suffix(day)}` : match;
    })
    .replace(MONTH_THE_DAY, '$1 $2');
}
