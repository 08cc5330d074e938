import { nfcKeys } from './text-utils.js';

// Spoken single digits in English and Hindi (Devanagari and common romanizations). Devanagari keys
// are NFC (see nfcKeys), as the words read are.
export const ENGLISH_DIGIT_WORDS: Readonly<Record<string, number>> = {
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
};

// prettier-ignore
export const HINDI_DIGIT_WORDS = nfcKeys({
  शून्य: 0, एक: 1, दो: 2, तीन: 3, चार: 4, पांच: 5, पाँच: 5, छह: 6, छः: 6, छे: 6, सात: 7, आठ: 8, नौ: 9,
});

export const DIGIT_WORDS: Readonly<Record<string, number>> = { ...ENGLISH_DIGIT_WORDS, ...HINDI_DIGIT_WORDS };

/**
 * English digits as a Hindi recognizer writes them when a caller reads a number out in English
 * ("नाइन एट सेवन…"). Only phone numbers read these: "एट" is also the "at" of an email.
 */
// prettier-ignore
export const LOAN_DIGIT_WORDS = nfcKeys({
  ज़ीरो: 0, जीरो: 0, ज़ेरो: 0, वन: 1, टू: 2, थ्री: 3, फोर: 4, फ़ोर: 4, फाइव: 5, फ़ाइव: 5, सिक्स: 6, सेवन: 7,
  एट: 8, नाइन: 9,
});

/** Romanized Hindi digits, read only for a Hindi agent: "do" and "teen" are English words too. */
// prettier-ignore
export const ROMAN_HINDI_DIGIT_WORDS: Readonly<Record<string, number>> = {
  shunya: 0, shoonya: 0, ek: 1, do: 2, teen: 3, char: 4, chaar: 4, paanch: 5, panch: 5, chhe: 6, chhah: 6,
  cheh: 6, saat: 7, aath: 8, nau: 9,
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
