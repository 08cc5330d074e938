import type { Agent, DataField, FieldType } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import { normalizeValue, type ExtractionContext } from './extraction/index.js';

// Words that show a question asks for a field of this type, in the languages agents speak.
const TYPE_WORDS: Record<FieldType, readonly string[]> = {
  name: ['name', 'नाम', 'nombre', 'nom'],
  email: ['email', 'e-mail', 'mail', 'ईमेल', 'correo', 'courriel'],
  phone: ['phone', 'number', 'mobile', 'फ़ोन', 'फोन', 'नंबर', 'मोबाइल', 'teléfono', 'téléphone', 'telefon'],
  date: ['date', 'day', 'when', 'तारीख', 'दिन', 'fecha', 'datum'],
  number: ['how many', 'how much', 'number', 'कितने', 'कितना'],
  boolean: [],
  enum: [],
  text: [],
};

function mentions(question: string, field: DataField): boolean {
  const words = [
    ...TYPE_WORDS[field.type],
    ...field.name.split('_').filter((w) => w.length >= 3),
    ...(field.options ?? []).map((o) => o.toLowerCase()),
  ];
  return words.some((word) => question.includes(word.toLowerCase()));
}

/** The first missing field the agent's last line asked about, judged from its words. */
export function fieldAskedFor(
  agent: Agent,
  lastAgentText: string,
  collected: Record<string, unknown>,
): DataField | undefined {
  const question = lastAgentText.toLowerCase();
  if (!question) return undefined;
  return agent.data_to_fill.find((field) => collected[field.name] === undefined && mentions(question, field));
}

/**
 * The deterministic normalizer on the caller's words for the field the agent just asked for, so
 * extraction works even when the model proposes nothing.
 */
export function extractAnswer(
  agent: Agent,
  lastAgentText: string,
  callerText: string,
  collected: Record<string, unknown>,
  extraction: ExtractionContext,
): Record<string, CollectedScalar> {
  const field = fieldAskedFor(agent, lastAgentText, collected);
  if (!field || !callerText.trim()) return {};
  const value = normalizeValue(field, callerText, extraction);
  return value === null ? {} : { [field.name]: value };
}
