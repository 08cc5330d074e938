// How Twilio's speech recognizers write what a caller said: a capital first letter, "I" as a word,
// and end punctuation ("Hello.", "Can you help me?"), as in SpeechResult of a captured request
// (fixtures/twilio-voice-webhooks.json) and ConversationRelay's voicePrompt. Scripted caller lines
// are usually typed lower-case and bare; sending them as typed hides bugs a real call would show.

const QUESTION_START =
  /^(what|where|when|why|who|whom|whose|which|how|can|could|would|will|should|shall|do|does|did|is|are|was|were|am|have|has|may)\b/i;

/** Whether `text` already reads like recognizer output: no lower-case start, end punctuation. */
export function looksRecognized(text: string): boolean {
  return !/^\p{Ll}/u.test(text) && /[.?!]["')\]]*$/u.test(text);
}

/**
 * `line` written as a recognizer would: trimmed, single-spaced, capitalized, "i" as "I", ending in
 * "?" for a question and "." otherwise. A line that already looks recognized is kept as it is;
 * digits are kept as typed (write "four one five" to send words).
 */
export function recognizerText(line: string): string {
  const text = line.trim().replace(/\s+/gu, ' ');
  if (text === '' || looksRecognized(text)) return text;
  const capitalized = text.replace(/\bi\b/gu, 'I').replace(/^\p{Ll}/u, (first) => first.toUpperCase());
  if (/[.?!]["')\]]*$/u.test(capitalized)) return capitalized;
  return `${capitalized.replace(/[,;:]+$/u, '')}${QUESTION_START.test(capitalized) ? '?' : '.'}`;
}
