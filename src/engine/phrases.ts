import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import { dateTimeFormat } from './date-time-format.js';
import { languageFamily } from './extraction/text-utils.js';
import {
  EN_SPELLING,
  HI_SPELLING,
  spelledEmail,
  spokenPhone,
  spokenToEmail,
  spokenToPhone,
  type SpellingWords,
} from './read-back.js';

/** The lines the engine speaks itself, in one language. Every line is a plain spoken sentence. */
export interface Phrases {
  /** The question for a field; `attempt` (0, 1, 2…) varies the wording on retries. */
  askField(field: DataField, attempt?: number): string;
  /** "Thanks, John." after a name, "Got it." otherwise. */
  acknowledge(name?: string): string;
  /** A brief reaction to the caller's first words: sympathy when they describe a problem. */
  acknowledgeNeed(callerText: string): string;
  sorryRepeat(): string;
  /** The short prefix before a re-asked question: "Sorry, I didn't catch that." */
  notCaught(): string;
  stillThere(): string;
  silenceGoodbye(): string;
  closing(): string;
  turnFailed(): string;
  /**
   * "I have your email address as j o h, n as in November, dot, s as in Sierra, … at gmail dot com.
   * Is that right?": emails spelled and phone numbers in digit groups, for the caller to check.
   */
  readBack(field: DataField, value: CollectedScalar, region?: string): string;
  /** The value a read-back that ends `text` asks the caller to confirm, or null when it ends with none. */
  readBackOf(field: DataField, text: string, region?: string): CollectedScalar | null;
  /** Asked when a read-back answer was neither yes nor no. */
  yesOrNo(): string;
  /** Said when the caller says a read-back value is wrong, before asking again. */
  correction(): string;
  skipField(field: DataField): string;
  /** "I have your name as John, and your email address as …" */
  recap(values: ReadonlyArray<{ field: DataField; value: CollectedScalar }>, region?: string): string;
  scriptedNotice(): string;
  filler(): string;
  /** Said when one of the agent's tools gave nothing to say and the model added no words. */
  toolFailed(): string;
  /** A value as it is said in passing (a recap): emails with "dot"/"at", phone digits grouped, dates in words. */
  spokenValue(field: DataField, value: CollectedScalar, region?: string): string;
}

export interface Label {
  /** "your email address" / "अपना ईमेल पता" */
  yours: string;
  /** "your email address" / "आपका ईमेल पता" (the subject form) */
  subject: string;
}

const EN_LABELS: Partial<Record<DataField['type'], string>> = {
  name: 'name',
  email: 'email address',
  phone: 'phone number',
};
const HI_LABELS: Record<string, Label> = {
  name: { yours: 'अपना नाम', subject: 'आपका नाम' },
  email: { yours: 'अपना ईमेल पता', subject: 'आपका ईमेल पता' },
  phone: { yours: 'अपना फ़ोन नंबर', subject: 'आपका फ़ोन नंबर' },
  date: { yours: 'तारीख', subject: 'तारीख' },
};
const MAX_DESCRIPTION_LABEL = 60;

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** "The caller's preferred date." -> "your preferred date"; falls back to the field's type or name. */
export function englishLabel(field: DataField): string {
  const description = field.description.trim().replace(/[.!]+$/, '');
  if (description && description.length <= MAX_DESCRIPTION_LABEL && !description.endsWith('?')) {
    const rest = description.replace(
      /^(the\s+)?(caller's|customer's|user's|person's|your|their|the)\s+/i,
      '',
    );
    return `your ${lowerFirst(rest)}`;
  }
  return `your ${EN_LABELS[field.type] ?? field.name.replace(/_/g, ' ')}`;
}

export function hindiLabel(field: DataField): Label {
  const description = field.description.trim().replace(/[.।!]+$/, '');
  if (description && /[\u0900-\u097F]/.test(description) && !description.endsWith('?')) {
    return { yours: description, subject: description };
  }
  const name = field.name.replace(/_/g, ' ');
  return HI_LABELS[field.type] ?? { yours: name, subject: name };
}

/** A question the agent author wrote as the description, asked verbatim. */
function questionDescription(field: DataField): string | undefined {
  const description = field.description.trim();
  return description.endsWith('?') ? description : undefined;
}

function listOf(items: readonly string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}${items.length > 2 && /^(and|or)$/.test(and) ? ',' : ''} ${and} ${items.at(-1)}`;
}

/** "john.smith@gmail.com" -> "john dot smith at gmail dot com". */
export function spokenEmail(email: string, words: SpellingWords = EN_SPELLING): string {
  return email
    .split('')
    .map((ch) => (ch in words.symbols ? ` ${words.symbols[ch]} ` : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

export { spokenPhone };

/** readBack and readBackOf for one language, from its sentence around the spoken value. */
function readBacks(
  line: (field: DataField, spoken: string) => string,
  words: SpellingWords,
  spoken: (field: DataField, value: CollectedScalar, region?: string) => string,
  homeRegion: string,
): Pick<Phrases, 'readBack' | 'readBackOf'> {
  const said = (field: DataField, value: CollectedScalar, region?: string) =>
    field.type === 'email'
      ? spelledEmail(String(value), words)
      : field.type === 'phone'
        ? spokenPhone(String(value), region ?? homeRegion, words.plus)
        : spoken(field, value, region);
  const readBack = (field: DataField, value: CollectedScalar, region?: string) =>
    line(field, said(field, value, region));
  return {
    readBack,
    readBackOf(field, text, region) {
      const [before = '', after = ''] = line(field, '\u0000').split('\u0000');
      const start = text.lastIndexOf(before);
      if (start < 0 || !text.endsWith(after) || start + before.length > text.length - after.length)
        return null;
      const spokenPart = text.slice(start + before.length, text.length - after.length);
      const value =
        field.type === 'email'
          ? spokenToEmail(spokenPart, words)
          : field.type === 'phone'
            ? spokenToPhone(spokenPart, region ?? homeRegion, words.plus)
            : null;
      return value !== null && text.endsWith(readBack(field, value, region)) ? value : null;
    },
  };
}

function spokenDate(iso: string, language: string): string {
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

const EN_ASK = [
  (label: string) => `Could you tell me ${label}?`,
  (label: string) => `What is ${label}?`,
  (label: string) => `Please tell me ${label} once more, slowly if you can.`,
];
const HI_ASK = [
  (l: Label) => `कृपया ${l.yours} बताइए।`,
  (l: Label) => `${l.subject} क्या है?`,
  (l: Label) => `कृपया ${l.yours} एक बार फिर, धीरे-धीरे बताइए।`,
];
const pick = <T>(items: readonly T[], attempt: number): T => items[Math.abs(attempt) % items.length] as T;

function english(language: string): Phrases {
  const spokenValue = (field: DataField, value: CollectedScalar, region?: string): string => {
    if (field.type === 'email') return spokenEmail(String(value), EN_SPELLING);
    if (field.type === 'phone') return spokenPhone(String(value), region);
    if (field.type === 'date') return spokenDate(String(value), language);
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  };
  return {
    askField(field, attempt = 0) {
      const options =
        field.type === 'enum' && field.options ? ` The options are ${listOf(field.options, 'or')}.` : '';
      const yesNo = field.type === 'boolean' ? ' Yes or no is fine.' : '';
      const question = questionDescription(field) ?? pick(EN_ASK, attempt)(englishLabel(field));
      return `${question}${options}${yesNo}`;
    },
    acknowledge: (name) => (name ? `Thanks, ${name}.` : 'Got it.'),
    acknowledgeNeed: (text) =>
      /\b(problem|issue|broken|not working|doesn't work|won't|can't|cannot|error|trouble|stopped|crash\w*|fail\w*|wrong)\b/i.test(
        text,
      )
        ? "I'm sorry to hear that."
        : 'Thank you.',
    sorryRepeat: () => "Sorry, I didn't catch that. Could you say that again?",
    notCaught: () => "Sorry, I didn't catch that.",
    stillThere: () => 'Are you still there?',
    silenceGoodbye: () => "I haven't heard anything, so I'll end the call now. Goodbye!",
    closing: () => 'Thanks for calling. Goodbye!',
    turnFailed: () => "Sorry, I'm having trouble right now. Could you repeat that?",
    ...readBacks(
      (field, spoken) => `I have ${englishLabel(field)} as ${spoken}. Is that right?`,
      EN_SPELLING,
      spokenValue,
      'US',
    ),
    yesOrNo: () => 'Please say yes or no.',
    correction: () => 'Sorry about that.',
    skipField: (field) => `No problem, we'll skip ${englishLabel(field)}.`,
    recap: (values, region) =>
      values.length === 0
        ? 'Our team will follow up soon.'
        : `I have ${listOf(
            values.map(
              ({ field, value }) => `${englishLabel(field)} as ${spokenValue(field, value, region)}`,
            ),
            'and',
          )}. Our team will follow up soon.`,
    scriptedNotice: () =>
      "I'm running without a language model, so I'll take your details and our team will follow up.",
    filler: () => 'One moment...',
    toolFailed: () => "Sorry, I couldn't check that just now. Is there anything else I can help with?",
    spokenValue,
  };
}

function hindi(language: string): Phrases {
  const spokenValue = (field: DataField, value: CollectedScalar, region?: string): string => {
    if (field.type === 'email') return spokenEmail(String(value), HI_SPELLING);
    if (field.type === 'phone') return spokenPhone(String(value), region ?? 'IN', HI_SPELLING.plus);
    if (field.type === 'date') return spokenDate(String(value), language);
    if (typeof value === 'boolean') return value ? 'हाँ' : 'नहीं';
    return String(value);
  };
  return {
    askField(field, attempt = 0) {
      const options =
        field.type === 'enum' && field.options ? ` विकल्प हैं: ${listOf(field.options, 'या')}।` : '';
      const yesNo = field.type === 'boolean' ? ' हाँ या नहीं में बताइए।' : '';
      const question = questionDescription(field) ?? pick(HI_ASK, attempt)(hindiLabel(field));
      return `${question}${options}${yesNo}`;
    },
    acknowledge: (name) => (name ? `धन्यवाद, ${name} जी।` : 'ठीक है।'),
    acknowledgeNeed: (text) =>
      /समस्या|दिक्कत|खराब|ख़राब|परेशानी|नहीं चल|काम नहीं|problem|issue/i.test(text) ? 'यह सुनकर खेद है।' : 'धन्यवाद।',
    sorryRepeat: () => 'माफ़ कीजिए, बात साफ़ सुनाई नहीं दी। क्या आप दोबारा बोल सकते हैं?',
    notCaught: () => 'माफ़ कीजिए, बात साफ़ समझ नहीं आई।',
    stillThere: () => 'क्या आप अभी भी लाइन पर हैं?',
    silenceGoodbye: () => 'कोई आवाज़ नहीं आ रही है, इसलिए कॉल समाप्त की जा रही है। नमस्ते!',
    closing: () => 'कॉल करने के लिए धन्यवाद। नमस्ते!',
    turnFailed: () => 'माफ़ कीजिए, अभी कुछ दिक्कत आ रही है। क्या आप दोबारा बोल सकते हैं?',
    ...readBacks(
      (field, spoken) => `मेरे पास ${hindiLabel(field).subject} ${spoken} है। क्या यह सही है?`,
      HI_SPELLING,
      spokenValue,
      'IN',
    ),
    yesOrNo: () => 'कृपया हाँ या नहीं में बताइए।',
    correction: () => 'माफ़ कीजिए।',
    skipField: (field) => `कोई बात नहीं, ${hindiLabel(field).subject} छोड़ देते हैं।`,
    recap: (values, region) =>
      values.length === 0
        ? 'हमारी टीम जल्द ही आपसे संपर्क करेगी।'
        : `मैंने यह जानकारी नोट कर ली है: ${values
            .map(({ field, value }) => `${hindiLabel(field).subject} ${spokenValue(field, value, region)}`)
            .join(', ')}। हमारी टीम जल्द ही आपसे संपर्क करेगी।`,
    scriptedNotice: () =>
      'यह स्वचालित सेवा अभी बिना लैंग्वेज मॉडल के चल रही है, इसलिए यहाँ समस्या हल नहीं हो सकती, लेकिन आपकी जानकारी ले ली जाएगी ताकि हमारी टीम आपसे संपर्क कर सके।',
    filler: () => 'एक क्षण...',
    toolFailed: () => 'माफ़ कीजिए, मैं अभी यह जाँच नहीं पाया। क्या मैं किसी और चीज़ में मदद कर सकता हूँ?',
    spokenValue,
  };
}

// One table per language tag, made once: a turn asks for its language's phrases, and a table made
// per turn (some forty closures) lived through the turn's awaits into the old generation.
const tables = new Map<string, Phrases>();
const MAX_TABLES = 64;

/** The phrases for an agent's language: Hindi for hi-*, English for everything else. */
export function phrasesFor(language: string): Phrases {
  let table = tables.get(language);
  if (!table) {
    table = languageFamily(language) === 'hi' ? hindi(language) : english(language);
    if (tables.size >= MAX_TABLES) tables.clear();
    tables.set(language, Object.freeze(table));
  }
  return table;
}
