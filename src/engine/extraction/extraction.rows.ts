// Test data: the extraction table in our own spelling. recognizer.rows.ts has the same kinds of
// answers as speech recognizers write them; extraction.table.test.ts runs both, and
// recognizer.property.test.ts runs both through a recognizer's transformations.
import type { DataField } from '../../domain/agent.js';
import type { CollectedScalar } from '../../domain/call.js';
import { normalizeValue, type ExtractionContext } from './index.js';

export type Row = {
  type: DataField['type'];
  input: string;
  expected: CollectedScalar | null;
  context?: Partial<ExtractionContext>;
  options?: string[];
};

// Monday 9 March 2026, 11:00 in New York.
export const base: ExtractionContext = {
  language: 'en-US',
  now: new Date('2026-03-09T15:00:00Z'),
  timezone: 'America/New_York',
};
export const hi: Partial<ExtractionContext> = { language: 'hi-IN', timezone: 'Asia/Kolkata' };
export const COLORS = ['red', 'blue', 'green'];
export const PLANS = ['Basic', 'Premium', 'Premium Plus', 'Enterprise Unlimited'];
export const DEPARTMENTS = ['sales', 'technical support', 'billing'];

const name: Row[] = [
  { type: 'name', input: 'John', expected: 'John' },
  { type: 'name', input: 'Manas', expected: 'Manas' },
  { type: 'name', input: 'john smith', expected: 'John Smith' },
  { type: 'name', input: 'My name is Manas. Do you need my email?', expected: 'Manas' },
  { type: 'name', input: "my name's sarah connor", expected: 'Sarah Connor' },
  { type: 'name', input: 'This is David.', expected: 'David' },
  { type: 'name', input: "It's Priya", expected: 'Priya' },
  { type: 'name', input: "I'm Alex and I need help with my laptop", expected: 'Alex' },
  { type: 'name', input: 'I am Maria Garcia', expected: 'Maria Garcia' },
  { type: 'name', input: 'you can call me Bob', expected: 'Bob' },
  { type: 'name', input: 'call me Liz, thanks', expected: 'Liz' },
  { type: 'name', input: 'uh, um, so, my name is Tom', expected: 'Tom' },
  { type: 'name', input: 'Hi, my name is John and I need help with my laptop', expected: 'John' },
  { type: 'name', input: 'hello this is kevin from acme', expected: 'Kevin' },
  { type: 'name', input: 'Yeah, it’s O’Brien', expected: "O'Brien" },
  { type: 'name', input: 'mary-jane watson', expected: 'Mary-Jane Watson' },
  { type: 'name', input: 'Ronald McDonald', expected: 'Ronald McDonald' },
  { type: 'name', input: 'JOHN', expected: 'John' },
  { type: 'name', input: 'ok well name is Anna Lee', expected: 'Anna Lee' },
  { type: 'name', input: 'Speaking, Rachel', expected: 'Rachel' },
  { type: 'name', input: 'John speaking', expected: 'John' },
  { type: 'name', input: 'No, my name is Carl', expected: 'Carl' },
  { type: 'name', input: "I'm not sure", expected: null },
  { type: 'name', input: "I don't know", expected: null },
  { type: 'name', input: 'no', expected: null },
  { type: 'name', input: 'yes', expected: null },
  { type: 'name', input: 'why?', expected: null },
  { type: 'name', input: 'what', expected: null },
  { type: 'name', input: 'call me tomorrow', expected: null },
  { type: 'name', input: 'My laptop is broken', expected: null },
  { type: 'name', input: 'I need help with my email', expected: null },
  { type: 'name', input: 'john.smith@gmail.com', expected: null },
  { type: 'name', input: 'Room 42', expected: null },
  { type: 'name', input: 'why do you need my name', expected: null },
  { type: 'name', input: 'I have a problem with my phone', expected: null },
  { type: 'name', input: 'one two three four five six', expected: null },
  { type: 'name', input: '', expected: null },
  { type: 'name', input: 'मेरा नाम राहुल है', expected: 'राहुल', context: hi },
  { type: 'name', input: 'मैं प्रिया शर्मा हूँ', expected: 'प्रिया शर्मा', context: hi },
  { type: 'name', input: 'मैं प्रिया शर्मा हूं', expected: 'प्रिया शर्मा', context: hi },
  { type: 'name', input: 'अमित कुमार', expected: 'अमित कुमार', context: hi },
  { type: 'name', input: 'जी, मेरा नाम सुनीता है।', expected: 'सुनीता', context: hi },
  { type: 'name', input: 'राहुल बोल रहा हूँ', expected: 'राहुल', context: hi },
  { type: 'name', input: 'मेरा नाम Rahul है', expected: 'Rahul', context: hi },
  { type: 'name', input: 'पता नहीं', expected: null, context: hi },
  // Titles and "speaking"/"here" are not part of the name; a title alone is no name.
  { type: 'name', input: 'this is Dr. Priya Nair speaking', expected: 'Priya Nair' },
  { type: 'name', input: 'Mr. Smith', expected: 'Smith' },
  { type: 'name', input: "it's Mrs Jones here", expected: 'Jones' },
  { type: 'name', input: 'Prof. Anil Gupta here', expected: 'Anil Gupta' },
  { type: 'name', input: 'Miss Kapoor', expected: 'Kapoor' },
  { type: 'name', input: 'Dr.', expected: null },
  { type: 'name', input: 'डॉ. प्रिया शर्मा', expected: 'प्रिया शर्मा', context: hi },
  // Romanized Hindi introductions, as speech recognition writes them.
  { type: 'name', input: 'mera naam Rahul hai', expected: 'Rahul', context: hi },
  { type: 'name', input: 'ji, mera naam Sunita hai', expected: 'Sunita', context: hi },
  { type: 'name', input: 'haan ji, main Priya Sharma hoon', expected: 'Priya Sharma', context: hi },
  { type: 'name', input: 'Rahul Kumar bol raha hoon', expected: 'Rahul Kumar', context: hi },
  { type: 'name', input: 'pata nahi', expected: null, context: hi },
  // "Mai" opens a Hindi introduction only when "hoon" closes it; otherwise it is a name.
  { type: 'name', input: 'Mai Nguyen', expected: 'Mai Nguyen' },
  // A name said again at once with more words is the fuller form.
  { type: 'name', input: 'Smith, John Smith', expected: 'John Smith' },
  { type: 'name', input: 'John. John Smith.', expected: 'John Smith' },
  { type: 'name', input: 'Anna, and I need help', expected: 'Anna' },
  { type: 'name', input: 'मेरा लैपटॉप खराब है और मुझे मदद चाहिए', expected: null, context: hi },
];

const email: Row[] = [
  { type: 'email', input: 'john@x.com', expected: 'john@x.com' },
  { type: 'email', input: 'John.Smith@Gmail.com', expected: 'john.smith@gmail.com' },
  { type: 'email', input: "it's john dot smith at gmail dot com", expected: 'john.smith@gmail.com' },
  { type: 'email', input: 'j o h n at example dot org', expected: 'john@example.org' },
  {
    type: 'email',
    input: 'my email is mary underscore jones at yahoo dot com thanks',
    expected: 'mary_jones@yahoo.com',
  },
  { type: 'email', input: 'anne dash marie at outlook dot com', expected: 'anne-marie@outlook.com' },
  { type: 'email', input: 'anne hyphen marie at outlook dot com', expected: 'anne-marie@outlook.com' },
  { type: 'email', input: 'bob plus news at gmail dot com', expected: 'bob+news@gmail.com' },
  { type: 'email', input: 'rahul at the rate gmail dot com', expected: 'rahul@gmail.com' },
  {
    type: 'email',
    input: 'priya dot k at the rate rediffmail dot co dot in',
    expected: 'priya.k@rediffmail.co.in',
  },
  { type: 'email', input: 'you can reach me at john at gmail dot com', expected: 'john@gmail.com' },
  { type: 'email', input: 'My email is sam99@mail.com.', expected: 'sam99@mail.com' },
  // A local part said as several words joins them, as people spell an address out; a dot is said.
  { type: 'email', input: 'john smith 42 at gmail dot com', expected: 'johnsmith42@gmail.com' },
  { type: 'email', input: 'john smith at gmail dot com', expected: 'johnsmith@gmail.com' },
  {
    type: 'email',
    input: 'sure, my email address is priya sharma at outlook dot com',
    expected: 'priyasharma@outlook.com',
  },
  { type: 'email', input: 'john twenty three at gmail dot com', expected: 'john23@gmail.com' },
  {
    type: 'email',
    input: 'my email is john nineteen ninety at gmail dot com',
    expected: 'john1990@gmail.com',
  },
  { type: 'email', input: 'double o seven at gmail dot com', expected: 'oo7@gmail.com' },
  { type: 'email', input: 's as in sam, m, i, t, h at gmail dot com', expected: 'smith@gmail.com' },
  { type: 'email', input: 'J as in juliet, O, E at gmail.com', expected: 'joe@gmail.com' },
  { type: 'email', input: 'a for apple, r, u, n at gmail dot com', expected: 'arun@gmail.com' },
  { type: 'email', input: 'I think it would be anna at x dot io', expected: 'anna@x.io' },
  // More than four words before "at" is a sentence, not an address.
  { type: 'email', input: 'we watched red green blue yellow orange at x dot com', expected: null },
  { type: 'email', input: 'a b c at x y z dot net', expected: 'abc@xyz.net' },
  { type: 'email', input: 'sure, it is jane.doe at company.io', expected: 'jane.doe@company.io' },
  { type: 'email', input: 'JOHN DOT SMITH AT GMAIL DOT COM', expected: 'john.smith@gmail.com' },
  { type: 'email', input: 'मेरा ईमेल rahul एट द रेट gmail डॉट com है', expected: 'rahul@gmail.com', context: hi },
  { type: 'email', input: 'my email is not something I share', expected: null },
  { type: 'email', input: "I don't have an email", expected: null },
  { type: 'email', input: 'john at gmail', expected: null },
  { type: 'email', input: 'john@gmail.c', expected: null },
  { type: 'email', input: 'at gmail dot com', expected: null },
  { type: 'email', input: 'john dot at gmail dot com', expected: null },
  { type: 'email', input: 'I will be at home', expected: null },
  { type: 'email', input: '', expected: null },
];

const phone: Row[] = [
  { type: 'phone', input: '415 555 2671', expected: '+14155552671' },
  { type: 'phone', input: '(415) 555-2671', expected: '+14155552671' },
  { type: 'phone', input: '+1 415.555.2671', expected: '+14155552671' },
  { type: 'phone', input: '+14155552671', expected: '+14155552671' },
  { type: 'phone', input: 'four one five five five five two six seven one', expected: '+14155552671' },
  { type: 'phone', input: 'four one five triple five two six seven one', expected: '+14155552671' },
  {
    type: 'phone',
    input: 'my number is four one five double five five two six seven one',
    expected: '+14155552671',
  },
  { type: 'phone', input: 'two one two five five five oh one two three', expected: '+12125550123' },
  { type: 'phone', input: 'it is 212-555-0123, thanks', expected: '+12125550123' },
  { type: 'phone', input: '98765 43210', expected: '+919876543210', context: { language: 'en-IN' } },
  {
    type: 'phone',
    input: 'nine eight seven six five four three two one zero',
    expected: '+919876543210',
    context: hi,
  },
  { type: 'phone', input: 'नौ आठ सात छह पांच चार तीन दो एक शून्य', expected: '+919876543210', context: hi },
  { type: 'phone', input: 'नौ आठ सात छः पाँच चार तीन दो एक शून्य', expected: '+919876543210', context: hi },
  { type: 'phone', input: '९८७६५ ४३२१०', expected: '+919876543210', context: hi },
  { type: 'phone', input: '+91 98765 43210', expected: '+919876543210' },
  { type: 'phone', input: '020 7946 0958', expected: '+442079460958', context: { language: 'en-GB' } },
  { type: 'phone', input: '020 7946 0958', expected: '+442079460958', context: { region: 'GB' } },
  { type: 'phone', input: 'my number is 415 555 2671 and my zip is 94110', expected: '+14155552671' },
  { type: 'phone', input: '555 12', expected: null },
  { type: 'phone', input: '+91 98765', expected: null },
  { type: 'phone', input: '123', expected: null },
  { type: 'phone', input: "I'd rather not say", expected: null },
  { type: 'phone', input: '000 000 0000', expected: null },
  { type: 'phone', input: '', expected: null },
];

const date: Row[] = [
  { type: 'date', input: 'tomorrow', expected: '2026-03-10' },
  { type: 'date', input: 'today', expected: '2026-03-09' },
  { type: 'date', input: 'next Friday', expected: '2026-03-20' },
  { type: 'date', input: 'this Friday', expected: '2026-03-13' },
  { type: 'date', input: 'December 3rd', expected: '2026-12-03' },
  { type: 'date', input: 'the 5th of January', expected: '2027-01-05' },
  { type: 'date', input: '3/15/2027', expected: '2027-03-15' },
  { type: 'date', input: 'in two weeks', expected: '2026-03-23' },
  { type: 'date', input: 'the day after tomorrow', expected: '2026-03-11' },
  { type: 'date', input: '2027-03-15', expected: '2027-03-15' },
  { type: 'date', input: 'can we do it on march 20th please', expected: '2026-03-20' },
  // 23:30 in New York is already the next day in UTC: "today" is still the 9th there.
  {
    type: 'date',
    input: 'today',
    expected: '2026-03-09',
    context: { now: new Date('2026-03-10T03:30:00Z') },
  },
  {
    type: 'date',
    input: 'tomorrow',
    expected: '2026-03-10',
    context: { now: new Date('2026-03-10T03:30:00Z') },
  },
  // The same instant is already 10 March in Kolkata.
  {
    type: 'date',
    input: 'today',
    expected: '2026-03-10',
    context: { ...hi, now: new Date('2026-03-10T03:30:00Z') },
  },
  { type: 'date', input: 'कल', expected: '2026-03-10', context: hi },
  { type: 'date', input: 'परसों', expected: '2026-03-11', context: hi },
  { type: 'date', input: 'आज', expected: '2026-03-09', context: hi },
  { type: 'date', input: 'कल सुबह', expected: '2026-03-10', context: hi },
  { type: 'date', input: 'अगले शुक्रवार को', expected: '2026-03-20', context: hi },
  { type: 'date', input: '15 मार्च', expected: '2026-03-15', context: hi },
  // A day without its month is the next such day that exists: said on Thursday 5 November.
  {
    type: 'date',
    input: 'the 31st',
    expected: '2026-12-31',
    context: { now: new Date('2026-11-05T15:00:00Z') },
  },
  {
    type: 'date',
    input: 'on the 5th',
    expected: '2026-11-05',
    context: { now: new Date('2026-11-05T15:00:00Z') },
  },
  {
    type: 'date',
    input: 'the 4th',
    expected: '2026-12-04',
    context: { now: new Date('2026-11-05T15:00:00Z') },
  },
  {
    type: 'date',
    input: 'the twenty-first please',
    expected: '2026-11-21',
    context: { now: new Date('2026-11-05T15:00:00Z') },
  },
  {
    type: 'date',
    input: 'the 30th',
    expected: '2027-03-30',
    context: { now: new Date('2027-02-05T15:00:00Z') },
  },
  {
    type: 'date',
    input: 'the 31st of next month',
    expected: '2026-12-31',
    context: { now: new Date('2026-11-05T15:00:00Z') },
  },
  { type: 'date', input: 'the 30th of February', expected: null },
  { type: 'date', input: 'इकतीस तारीख', expected: '2026-03-31', context: hi },
  { type: 'date', input: '5 तारीख को', expected: '2026-04-05', context: hi },
  { type: 'date', input: 'I have no idea', expected: null },
  { type: 'date', input: 'whenever', expected: null },
  { type: 'date', input: '', expected: null },
];

const number: Row[] = [
  { type: 'number', input: '42', expected: 42 },
  { type: 'number', input: '1,200', expected: 1200 },
  { type: 'number', input: '3.5', expected: 3.5 },
  { type: 'number', input: 'about 7 people', expected: 7 },
  { type: 'number', input: 'forty two', expected: 42 },
  { type: 'number', input: 'forty-two', expected: 42 },
  { type: 'number', input: 'one hundred and five', expected: 105 },
  { type: 'number', input: 'two thousand three hundred', expected: 2300 },
  { type: 'number', input: 'a dozen', expected: 12 },
  { type: 'number', input: 'a hundred', expected: 100 },
  { type: 'number', input: 'twelve hundred', expected: 1200 },
  { type: 'number', input: 'three point five', expected: 3.5 },
  { type: 'number', input: 'zero', expected: 0 },
  { type: 'number', input: 'I think seventeen', expected: 17 },
  { type: 'number', input: '४२', expected: 42, context: hi },
  { type: 'number', input: 'पांच', expected: 5, context: hi },
  { type: 'number', input: 'पच्चीस', expected: 25, context: hi },
  { type: 'number', input: 'निन्यानवे', expected: 99, context: hi },
  // ड़ written as ड plus a nukta reads the same as the precomposed letter.
  { type: 'number', input: 'अड\u093Cतीस लोग', expected: 38, context: hi },
  { type: 'number', input: 'सौ', expected: 100, context: hi },
  { type: 'number', input: 'दो सौ पचास रुपये', expected: 250, context: hi },
  { type: 'number', input: 'पच्चीस हज़ार', expected: 25000, context: hi },
  { type: 'number', input: 'एक लाख बीस हजार', expected: 120000, context: hi },
  { type: 'number', input: 'ढाई सौ', expected: 250, context: hi },
  { type: 'number', input: 'डेढ़ हज़ार', expected: 1500, context: hi },
  { type: 'number', input: 'साढ़े तीन', expected: 3.5, context: hi },
  { type: 'number', input: 'I have no idea', expected: null },
  { type: 'number', input: 'a lot', expected: null },
  { type: 'number', input: '', expected: null },
];

const boolean: Row[] = [
  { type: 'boolean', input: 'yes', expected: true },
  { type: 'boolean', input: 'Yeah.', expected: true },
  { type: 'boolean', input: 'yep', expected: true },
  { type: 'boolean', input: 'sure', expected: true },
  { type: 'boolean', input: 'correct', expected: true },
  { type: 'boolean', input: "that's right", expected: true },
  { type: 'boolean', input: 'yes please', expected: true },
  { type: 'boolean', input: 'no problem', expected: true },
  { type: 'boolean', input: 'no', expected: false },
  { type: 'boolean', input: 'Nope!', expected: false },
  { type: 'boolean', input: 'not really', expected: false },
  { type: 'boolean', input: 'negative', expected: false },
  { type: 'boolean', input: 'incorrect', expected: false },
  { type: 'boolean', input: "no that's wrong", expected: false },
  { type: 'boolean', input: 'हाँ', expected: true, context: hi },
  { type: 'boolean', input: 'हां', expected: true, context: hi },
  { type: 'boolean', input: 'जी', expected: true, context: hi },
  { type: 'boolean', input: 'जी हाँ', expected: true, context: hi },
  { type: 'boolean', input: 'हाँ जी', expected: true, context: hi },
  { type: 'boolean', input: 'ठीक है', expected: true, context: hi },
  { type: 'boolean', input: 'नहीं', expected: false, context: hi },
  { type: 'boolean', input: 'ना', expected: false, context: hi },
  { type: 'boolean', input: 'जी नहीं', expected: false, context: hi },
  { type: 'boolean', input: 'maybe', expected: null },
  { type: 'boolean', input: "I'm not sure", expected: null },
  { type: 'boolean', input: "I don't know", expected: null },
  { type: 'boolean', input: 'yes and no', expected: null },
  { type: 'boolean', input: 'what was the question', expected: null },
  { type: 'boolean', input: 'पता नहीं', expected: null, context: hi },
];

const enumRows: Row[] = [
  { type: 'enum', input: 'blue', expected: 'blue', options: COLORS },
  { type: 'enum', input: 'BLUE', expected: 'blue', options: COLORS },
  { type: 'enum', input: 'I think green please', expected: 'green', options: COLORS },
  { type: 'enum', input: 'grean', expected: 'green', options: COLORS },
  { type: 'enum', input: 'rad', expected: 'red', options: COLORS },
  { type: 'enum', input: 'purple', expected: null, options: COLORS },
  { type: 'enum', input: 'red or blue', expected: null, options: COLORS },
  { type: 'enum', input: 'premium', expected: 'Premium', options: PLANS },
  { type: 'enum', input: 'the premium plus plan', expected: 'Premium Plus', options: PLANS },
  { type: 'enum', input: 'premiun', expected: 'Premium', options: PLANS },
  { type: 'enum', input: 'enterprize unlimted', expected: 'Enterprise Unlimited', options: PLANS },
  { type: 'enum', input: 'technical suport', expected: 'technical support', options: DEPARTMENTS },
  { type: 'enum', input: 'I have a question about my bill', expected: null, options: DEPARTMENTS },
  { type: 'enum', input: 'Billing.', expected: 'billing', options: DEPARTMENTS },
  { type: 'enum', input: '', expected: null, options: COLORS },
];

const text: Row[] = [
  { type: 'text', input: '  my   screen is black  ', expected: 'my screen is black' },
  { type: 'text', input: 'line one\nline two', expected: 'line one line two' },
  { type: 'text', input: '   ', expected: null },
  { type: 'text', input: 'x'.repeat(600), expected: 'x'.repeat(500) },
  { type: 'text', input: 'मेरा लैपटॉप चालू नहीं हो रहा', expected: 'मेरा लैपटॉप चालू नहीं हो रहा' },
];

export const tableRows: Row[] = [
  ...name,
  ...email,
  ...phone,
  ...date,
  ...number,
  ...boolean,
  ...enumRows,
  ...text,
];

/** The value the normalizer gives `input` (the row's own input by default) in the row's context. */
export function valueOf(row: Row, input = row.input): CollectedScalar | null {
  const field: DataField = {
    name: 'field',
    type: row.type,
    required: true,
    description: '',
    ...(row.options ? { options: row.options } : {}),
  };
  return normalizeValue(field, input, { ...base, ...row.context });
}

// Inputs built to make a regular expression backtrack: 2,000 characters of one token, of
// punctuation, of hyphens, of the words the rules look for (long-input.test.ts, the benchmark).
const LENGTH = 2_000;
export const longInput = (unit: string) => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH);
// prettier-ignore
const UNITS = [
  'a ', 'x', '0', '1 ', '1,', '1, ', '.', ',', '!', '(', '-1', 'x-', 'J-', 'ab-', 'a@', 'J O H N ', 'four ',
  'oh ', 'double ', 'twenty ', 'hundred ', 'a hundred and ', 'at ', 'dot ', 'john at gmail dot ',
  'first name ', 'last name John ', "it's ", 'the twenty ', 'march the ', 'not blue ', 'yes no ', 'ji ',
  'mera naam ', 'कल ', 'नौ ', 'अगले ',
];
export const LONG_INPUTS = UNITS.map(longInput);
