// Spoken single digits in English and Hindi (Devanagari and common romanizations).

export const DIGIT_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  // Hindi
  शून्य: 0,
  एक: 1,
  दो: 2,
  तीन: 3,
  चार: 4,
  पांच: 5,
  पाँच: 5,
  छह: 6,
  छः: 6,
  छे: 6,
  सात: 7,
  आठ: 8,
  नौ: 9,
};

/** English teens; with the tens they make every number word under a hundred. */
export const TEEN_WORDS: Readonly<Record<string, number>> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

export const TENS_WORDS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** "oh" and "o" mean zero only next to other digits ("four oh five"). */
export const ZERO_LETTERS = new Set(['oh', 'o']);

/** Repeat words: "double five" -> 55. */
export const REPEAT_WORDS: Readonly<Record<string, number>> = {
  double: 2,
  triple: 3,
  डबल: 2,
  ट्रिपल: 3,
};

/** The digit a token stands for: an ASCII digit or a digit word, else undefined. */
export function digitOf(token: string): number | undefined {
  if (/^\d$/.test(token)) return Number(token);
  return DIGIT_WORDS[token];
}
