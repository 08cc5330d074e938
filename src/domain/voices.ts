// Voices Twilio's <Say> and ConversationRelay accept, by language (twilio-node SayVoice).
// An agent's voice must belong to its language, so a Hindi agent never speaks with an English voice.
export const VOICES_BY_LANGUAGE: Record<string, readonly string[]> = {
  'en-US': [
    'Polly.Joanna',
    'Polly.Joanna-Neural',
    'Polly.Joanna-Generative',
    'Polly.Matthew',
    'Polly.Matthew-Neural',
    'Polly.Salli',
    'Polly.Joey',
    'Polly.Kendra',
    'Polly.Ivy',
  ],
  'en-GB': ['Polly.Amy', 'Polly.Amy-Neural', 'Polly.Brian', 'Polly.Brian-Neural', 'Polly.Emma'],
  'en-IN': ['Polly.Raveena', 'Polly.Aditi', 'Polly.Kajal-Neural'],
  'hi-IN': [
    'Polly.Aditi',
    'Polly.Kajal-Neural',
    'Polly.Kajal-Generative',
    'Google.hi-IN-Chirp3-HD-Aoede',
    'Google.hi-IN-Chirp3-HD-Charon',
    'Google.hi-IN-Chirp3-HD-Fenrir',
    'Google.hi-IN-Chirp3-HD-Kore',
    'Google.hi-IN-Chirp3-HD-Leda',
    'Google.hi-IN-Chirp3-HD-Orus',
    'Google.hi-IN-Chirp3-HD-Puck',
    'Google.hi-IN-Chirp3-HD-Zephyr',
  ],
  'es-US': ['Polly.Lupe', 'Polly.Lupe-Neural', 'Polly.Miguel', 'Polly.Penelope'],
  'es-ES': ['Polly.Conchita', 'Polly.Lucia', 'Polly.Enrique'],
  'fr-FR': ['Polly.Celine', 'Polly.Lea', 'Polly.Mathieu'],
  'de-DE': ['Polly.Marlene', 'Polly.Vicki', 'Polly.Hans'],
};

export const SUPPORTED_LANGUAGES = Object.keys(VOICES_BY_LANGUAGE);

export function voiceFitsLanguage(voice: string, language: string): boolean {
  return VOICES_BY_LANGUAGE[language]?.includes(voice) ?? false;
}
