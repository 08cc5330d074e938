// "No text spoken twice": a reply whose sentences repeat means a retry re-spoke what the caller
// already heard. Sentences are compared normalised (case, spacing, trailing punctuation).

/** The sentences of a spoken reply, normalised for comparison. */
export function sentencesOf(text: string): string[] {
  return (text.match(/[^.!?]+[.!?]*/g) ?? [])
    .map((sentence) =>
      sentence
        .toLowerCase()
        .replace(/\s+/g, ' ')
        .replace(/[.!?]+$/, '')
        .trim(),
    )
    .filter((sentence) => sentence.length > 0);
}

/** Sentences that occur more than once in `text` (empty when nothing is repeated). */
export function repeatedSentences(text: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const sentence of sentencesOf(text)) {
    if (seen.has(sentence)) repeated.add(sentence);
    seen.add(sentence);
  }
  return [...repeated];
}
