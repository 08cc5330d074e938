// Keys pressed into a <Gather>, as Twilio posts them to its action URL.

/** The Digits (and FinishedOnKey) Twilio posts for keys pressed into a Gather with these attributes. */
export function keysTwilioPosts(
  keys: string,
  attributes: Record<string, string>,
): { digits: string; finishedOnKey: string } {
  const finishOnKey = attributes.finishOnKey ?? '#';
  const numDigits = Number(attributes.numDigits);
  const limit = Number.isInteger(numDigits) && numDigits > 0 ? numDigits : Infinity;
  let digits = '';
  for (const key of keys) {
    if (finishOnKey && key === finishOnKey) return { digits, finishedOnKey: key };
    digits += key;
    if (digits.length >= limit) break;
  }
  return { digits, finishedOnKey: '' };
}
