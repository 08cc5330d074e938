// Word lists for the name normalizer.

/** Said before a name; stripped from the start of a clause, longest first. */
// prettier-ignore
export const NAME_LEAD_INS = [
  'you can call me', 'my full name is', 'my first name is', 'my name is', "my name's", 'the name is',
  "the name's", "name's", 'name is', 'call me', 'this is', 'it is', "it's", 'i am', "i'm", 'im', 'speaking',
  'hi there', 'hello there', 'hi', 'hey', 'hello', 'yeah', 'yes', 'sure', 'uh', 'um', 'uhm', 'er', 'so',
  'well', 'ok', 'okay', 'oh', 'it', 'sorry', 'name',
  // Indian English: "My good name is Priya", "Myself Rahul Sharma"
  'my good name is', 'good name is', 'myself',
  // a spelling: "it's spelled J O H N", "that's J-O-H-N"
  'spelled', 'spelt', 'spelled as', 'the spelling is', 'spelling is', "that's", 'that is',
];

/** A name ends where one of these starts ("John and I need help", "John from Acme"). */
// prettier-ignore
export const NAME_STOPPERS = new Set([
  'and', 'but', 'from', 'calling', 'speaking', 'here', 'thanks', 'thank', 'please', 'with', 'about', 'who',
  'again', 'this', // "Rahul this side" (Indian English for "this is Rahul")
]);

/** Words that are never part of a name: pronouns, verbs, question words, answers, nouns of the trade. */
// prettier-ignore
export const NOT_NAME_WORDS = new Set([
  // answers and fillers
  'yes', 'no', 'nope', 'yep', 'yeah', 'nah', 'not', 'sure', 'maybe', 'okay', 'ok', 'hello', 'hi', 'bye',
  'goodbye', 'idea', 'dunno', 'nothing', 'none', 'nobody', 'anonymous', 'unknown', 'sorry', 'pardon',
  // pronouns, articles, prepositions
  'i', 'me', 'my', 'mine', 'you', 'your', 'we', 'our', 'us', 'he', 'him', 'his', 'she', 'her', 'they', 'them',
  'their', 'it', 'its', 'this', 'that', 'these', 'those', 'the', 'a', 'an', 'to', 'for', 'of', 'in', 'on',
  'at', 'by', 'or', 'if', 'so', 'just', 'some', 'any', 'all', 'out', 'up', 'there',
  // question words
  'what', 'why', 'who', 'whom', 'whose', 'where', 'when', 'how', 'which',
  // verbs
  'is', 'am', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'do', 'does', 'did', "don't",
  'dont', "doesn't", "didn't", 'can', "can't", 'cannot', 'could', 'would', 'should', 'shall', 'must', "won't",
  "isn't", "i'm", "it's", "that's", "what's", 'need', 'needs', 'want', 'wants', 'know', 'think', 'said', 'say',
  'says', 'tell', 'told', 'call', 'called', 'get', 'got', 'go', 'going', 'gonna', 'like', 'help', 'helps',
  'fix', 'work', 'works', 'working', 'broken', 'broke', 'stopped', 'try', 'trying', 'give', 'repeat', 'spell',
  'share', 'wait', 'hold', 'hang', 'speak', 'talk', 'understand', 'mean', 'see', 'hear', 'bought', 'buy',
  'ordered', 'order', 'book', 'schedule', 'cancel', 'check', 'keep', 'make', 'use', 'using', 'turn', 'start',
  'open', 'crashed', 'having',
  // times
  'today', 'tomorrow', 'tonight', 'yesterday', 'later', 'now', 'soon', 'back', 'morning', 'evening',
  'afternoon',
  // things callers talk about
  'laptop', 'computer', 'phone', 'number', 'email', 'address', 'problem', 'problems', 'issue', 'issues',
  'trouble', 'error', 'account', 'password', 'internet', 'wifi', 'screen', 'printer', 'router', 'service',
  'support', 'appointment', 'name', 'question', 'payment', 'refund', 'subscription', 'customer', 'agent',
  'human', 'person', 'someone', 'somebody', 'everything', 'something', 'anything', 'fine', 'good', 'great',
  'thanks', 'thank', 'please', 'right', 'wrong', 'correct', 'sir', 'madam', "ma'am",
  // romanized Hindi answers and fillers
  'ji', 'haan', 'han', 'nahi', 'nahin', 'pata', 'kya', 'kaun', 'mera', 'meri', 'naam', 'hai', 'hoon', 'hun',
  'accha', 'acha', 'theek', 'thik',
]);

/** Dropped from the front of a name: "Dr. Priya Nair" is stored as "Priya Nair". */
// prettier-ignore
export const NAME_TITLES = new Set([
  'dr', 'doctor', 'mr', 'mister', 'mrs', 'ms', 'miss', 'mx', 'prof', 'professor', 'shri', 'sri', 'smt',
  'श्री', 'श्रीमती', 'डॉ', 'डॉक्टर',
]);
/** Titles written with a period, which must not split the clause: "Dr. Priya Nair". */
export const TITLE_PERIOD = /(^|\s)(dr|mr|mrs|ms|mx|prof|smt|डॉ)\.(?=\s)/giu;

// Romanized Hindi, as speech recognition writes it: "mera naam Rahul hai", "main Rahul hoon",
// "Rahul bol raha hoon". "main"/"mai" open a name only when "hoon" closes it ("Mai" is also a name).
// prettier-ignore
export const ROMAN_HINDI_LEAD_INS = [
  'mera naam hai', 'mera naam', 'mera pura naam', 'mera poora naam', 'meraa naam', 'mera name', 'naam hai',
  'naam', 'ji', 'haan', 'han',
  'namaste', 'namaskar',
];
export const ROMAN_HINDI_ENDINGS = ['hai', 'he', 'hai ji'];
export const ROMAN_HINDI_I = ['main', 'mai', 'mein', 'mei', 'me'];
export const ROMAN_HINDI_I_ENDINGS = ['hoon', 'hun', 'hu', 'hoo', 'hoon ji', 'hun ji'];
// prettier-ignore
export const ROMAN_HINDI_SPEAKING = [
  'bol raha hoon', 'bol raha hun', 'bol raha hu', 'bol rahi hoon', 'bol rahi hun', 'bol rahi hu',
  'bol raha hai', 'bol rahi hai',
];

// Hindi: "मेरा नाम राहुल है", "मैं प्रिया शर्मा हूँ", "जी, राहुल बोल रहा हूँ".
// prettier-ignore
export const HINDI_NOT_NAME_WORDS = new Set([
  'मेरा', 'मेरी', 'मेरे', 'नाम', 'है', 'हैं', 'हूँ', 'हूं', 'मैं', 'जी', 'हाँ', 'हां', 'नहीं', 'ना', 'पता',
  'क्या', 'क्यों', 'कौन', 'कैसे', 'कहाँ', 'कब', 'आप', 'आपका', 'आपको', 'मुझे', 'बोल', 'रहा', 'रही', 'हेलो',
  'हैलो', 'नमस्ते', 'नमस्कार', 'तो', 'और', 'का', 'की', 'के', 'को', 'से', 'में', 'यह', 'ये', 'वो', 'वह', 'ठीक',
  'धन्यवाद', 'शुक्रिया', 'लैपटॉप', 'फ़ोन', 'फोन', 'ईमेल', 'समस्या', 'दिक्कत', 'मदद', 'चाहिए', 'कल', 'आज',
  'अभी', 'बताइए', 'बताओ', 'था', 'थी',
]);
// prettier-ignore
export const HINDI_LEAD_INS = [
  'मेरा नाम है', 'मेरा नाम', 'मेरा पूरा नाम', 'नाम है', 'नाम', 'मैं', 'जी', 'हाँ', 'हां', 'हेलो', 'हैलो', 'नमस्ते', 'नमस्कार',
];
export const HINDI_ENDINGS = ['बोल रहा हूँ', 'बोल रहा हूं', 'बोल रही हूँ', 'बोल रही हूं', 'है', 'हूँ', 'हूं', 'जी'];
