// "Stop calling me": a caller asking never to be called again. Recognised in the caller's words
// before any model sees them, so it works with the scripted policy too and no model can talk its
// way past it; the agent confirms in the agent's language and ends the call.
import { languageFamily } from './extraction/text-utils.js';

// prettier-ignore
const REQUESTS: readonly RegExp[] = [
  /\bstop (calling|phoning|ringing|contacting|bothering) (me|us|this number|my (phone|number))\b/,
  /\b(take|remove|delete|get|put) (me|us|my (phone )?number|this number) (off|from|out of) (your|the|this|all) ((calling|call|contact|phone|mailing|marketing) )?(list|lists|database|system|records)\b/,
  /\b(don'?t|do not|never) (ever )?(call|phone|ring|contact) (me|us|this number|here)( ever)? (again|anymore|any more|in future|in the future)\b/,
  /\b(put|add) (me|my number|this number) (on|to) (your|the) do not call list\b/,
  /\bi don'?t want (any more|anymore|more|these|your|any) (calls|phone calls)\b/,
  /\bno more calls\b/,
  /\b(call|phone|fone) (mat|na|nahi) (karo|karna|kijiye|kariye|karein|karen|karenge)\b/,
  /\bnumber (hata|nikal) (do|dijiye|dein|den|de)\b/,
  /(कॉल|फ़ोन|फोन)\s*(मत|न|ना)\s*(करना|करें|कीजिए|कीजिये|करो|करिए|करिये)/,
  /(नंबर|नम्बर)\s*((लिस्ट|सूची)\s*से\s*)?(हटा|निकाल)\s*(दो|दें|दीजिए|दीजिये|देना)/,
  /(लिस्ट|सूची)\s*से\s*(हटा|निकाल)\s*(दो|दें|दीजिए|दीजिये|देना)/,
];

/** True when the caller asks not to be called again ("stop calling me", "मुझे कॉल मत करना"). */
export function isDoNotCallRequest(text: string): boolean {
  const plain = text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{M}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return REQUESTS.some((pattern) => pattern.test(plain));
}

/** What the agent says once the number is on the do-not-call list; the call ends after it. */
export function doNotCallConfirmation(language: string): string {
  return languageFamily(language) === 'hi'
    ? 'ठीक है, आपका नंबर हमारी कॉल सूची से हटा दिया गया है। अब आपको दोबारा कॉल नहीं किया जाएगा। नमस्ते।'
    : "Understood. I've taken your number off our calling list, and we won't call you again. Goodbye.";
}
