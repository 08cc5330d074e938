// Checks a finished call against a scenario's expectations. Every failure names the turn and the
// value, e.g. `turn 3: expected name "Manas", got "Manas Kumar"`. Turn 0 is the greeting; the
// caller's Nth line is turn N (the server's turn sequence numbers).
import type { Agent } from '../domain/agent.js';
import { normalizeValue, type ExtractionContext } from '../engine/extraction/index.js';
import { findTransferTarget } from '../engine/tools/transfer.js';
import type { ObservedCall, ObservedTurn } from './observed-call.js';
import type { Expectations, PhraseExpectation } from './schema.js';

const QUOTE_CHARS = 80;

const quote = (value: unknown) => JSON.stringify(typeof value === 'string' ? value : String(value));
const clipped = (text: string) =>
  quote(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1)}…` : text);

/** Case-insensitive, Unicode-normalized, whitespace- and apostrophe-insensitive text for phrase checks. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/g, ' ').trim();
}

const canonical = (value: unknown) => String(value).normalize('NFC').trim().replace(/\s+/g, ' ');

/** Expected and collected values agree once the expected one goes through the field's normalizer. */
export function sameValue(
  agent: Agent,
  field: string,
  expected: unknown,
  actual: unknown,
  now: Date,
): boolean {
  if (canonical(expected) === canonical(actual)) return true;
  const definition = agent.data_to_fill.find((f) => f.name === field);
  if (!definition) return false;
  const context: ExtractionContext = { language: agent.language, now, timezone: agent.timezone ?? 'UTC' };
  const normalized = normalizeValue(definition, String(expected), context);
  return normalized !== null && canonical(normalized) === canonical(actual);
}

function lastTurn(call: ObservedCall): number {
  return call.transcript.at(-1)?.seq ?? 0;
}

function checkCollected(agent: Agent, expect: Expectations, call: ObservedCall, now: Date): string[] {
  const failures: string[] = [];
  const fields = new Set(agent.data_to_fill.map((f) => f.name));
  for (const [field, expected] of Object.entries(expect.collected ?? {})) {
    const got = call.dataCollected[field];
    if (!fields.has(field))
      failures.push(`expected ${field} ${quote(expected)}, but the agent has no field "${field}"`);
    else if (!got) failures.push(`expected ${field} ${quote(expected)}; it was never collected`);
    else if (!sameValue(agent, field, expected, got.value, now))
      failures.push(`turn ${got.turn}: expected ${field} ${quote(expected)}, got ${quote(got.value)}`);
  }
  for (const field of expect.not_collected ?? []) {
    const got = call.dataCollected[field];
    if (got) failures.push(`turn ${got.turn}: collected ${field} ${quote(got.value)} (not_collected)`);
  }
  return failures;
}

function checkEnding(expect: Expectations, call: ObservedCall): string[] {
  const failures: string[] = [];
  const last = lastTurn(call);
  if (expect.ended_by !== undefined && call.endedBy !== expect.ended_by) {
    const got = call.endedBy ? quote(call.endedBy) : 'nothing';
    failures.push(`turn ${last}: expected ended_by ${quote(expect.ended_by)}, got ${got}`);
  }
  if (expect.ends_by_turn !== undefined) {
    if (!call.endedByAgent)
      failures.push(
        `expected the call to end by turn ${expect.ends_by_turn}; it was still going after turn ${last}`,
      );
    else if (last > expect.ends_by_turn)
      failures.push(`expected the call to end by turn ${expect.ends_by_turn}; it ended at turn ${last}`);
  }
  if (expect.ends === false && call.endedByAgent)
    failures.push(
      `turn ${last}: the call ended (ended_by ${quote(call.endedBy ?? 'unknown')}); expected it to go on`,
    );
  if (expect.ends === true && !call.endedByAgent)
    failures.push(`expected the agent to end the call; it was still going after turn ${last}`);
  return failures;
}

function saidIn(turns: readonly ObservedTurn[], phrase: string): ObservedTurn | undefined {
  const needle = foldText(phrase);
  return turns.find((turn) => foldText(turn.agent).includes(needle));
}

function checkPhrases(expect: Expectations, call: ObservedCall): string[] {
  const failures: string[] = [];
  const turnsFor = (p: PhraseExpectation) =>
    p.turn === undefined ? call.transcript : call.transcript.filter((t) => t.seq === p.turn);
  for (const p of expect.agent_says ?? []) {
    if (saidIn(turnsFor(p), p.phrase)) continue;
    if (p.turn === undefined) failures.push(`the agent never said ${quote(p.phrase)}`);
    else {
      const turn = turnsFor(p)[0];
      failures.push(
        turn
          ? `turn ${p.turn}: agent did not say ${quote(p.phrase)}; it said ${clipped(turn.agent)}`
          : `turn ${p.turn}: expected the agent to say ${quote(p.phrase)}; the call has no turn ${p.turn}`,
      );
    }
  }
  for (const p of expect.agent_never_says ?? []) {
    const turn = saidIn(turnsFor(p), p.phrase);
    if (turn) failures.push(`turn ${turn.seq}: agent said ${quote(p.phrase)} (agent_never_says)`);
  }
  return failures;
}

function checkTransfer(agent: Agent, expect: Expectations, call: ObservedCall): string[] {
  if (expect.transfer_to === undefined) return [];
  const wanted = findTransferTarget(agent, expect.transfer_to);
  if (!wanted)
    return [`expected a transfer to "${expect.transfer_to}", but the agent has no such transfer target`];
  const last = lastTurn(call);
  if (!call.transferredTo)
    return [`expected a transfer to "${wanted.id}"; the call was not transferred (turn ${last})`];
  if (call.transferredTo === wanted.target || call.transferredTo === wanted.id) return [];
  const actual =
    agent.transfer_targets.find((t) => t.target === call.transferredTo)?.id ?? call.transferredTo;
  return [`turn ${last}: expected a transfer to "${wanted.id}", got "${actual}"`];
}

// What the server writes in place of personal data it will not keep (engine/tools/personal-data-mask.ts).
const MASKS = new Set(['[masked]', '[email]', '[number]']);

function checkTools(expect: Expectations, call: ObservedCall): string[] {
  const failures: string[] = [];
  const calls = call.transcript.flatMap((turn) =>
    (turn.toolCalls ?? []).map((c) => ({ ...c, turn: turn.seq })),
  );
  for (const name of expect.tool_called ?? []) {
    const made = calls.filter((c) => c.name === name);
    if (made.length === 0) {
      const others = [...new Set(calls.map((c) => c.name))];
      failures.push(
        `expected a call of ${name}; ${others.length ? `the agent called only ${others.join(', ')}` : 'the agent called no tool'}`,
      );
      continue;
    }
    const wanted = Object.entries(expect.with ?? {});
    if (wanted.length === 0) continue;
    const fits = (args: Record<string, unknown>) =>
      wanted.every(([key, value]) => JSON.stringify(args[key]) === JSON.stringify(value));
    if (made.some((c) => fits(c.arguments))) continue;
    const last = made.at(-1)!;
    const masked = wanted.filter(([key]) => MASKS.has(String(last.arguments[key]))).map(([key]) => key);
    failures.push(
      `turn ${last.turn}: expected ${name} with ${JSON.stringify(expect.with)}; it was called with ${JSON.stringify(last.arguments)}` +
        (masked.length ? ` (${masked.join(', ')} masked when kept: personal data cannot be checked)` : ''),
    );
  }
  for (const name of expect.tool_not_called ?? []) {
    const made = calls.find((c) => c.name === name);
    if (made) failures.push(`turn ${made.turn}: the agent called ${name} (tool_not_called)`);
  }
  return failures;
}

/** Every deterministic expectation the call misses (the rubric is judged elsewhere). */
export function checkExpectations(
  agent: Agent,
  expect: Expectations,
  call: ObservedCall,
  now: Date = new Date(),
): string[] {
  const failures: string[] = [];
  if (call.problem) failures.push(call.problem);
  if (call.endedByAgent && call.linesSaid < call.linesTotal) {
    const unsaid = call.linesTotal - call.linesSaid;
    if (expect.ends_by_turn === undefined && expect.ends !== true)
      failures.push(`the call ended at turn ${lastTurn(call)} with ${unsaid} caller line(s) never said`);
  }
  failures.push(...checkCollected(agent, expect, call, now));
  failures.push(...checkEnding(expect, call));
  failures.push(...checkPhrases(expect, call));
  if (expect.max_agent_turns !== undefined) {
    const spoken = call.transcript.filter((t) => t.agent.trim() !== '').length;
    if (spoken > expect.max_agent_turns)
      failures.push(`the agent spoke in ${spoken} turns (max_agent_turns ${expect.max_agent_turns})`);
  }
  failures.push(...checkTransfer(agent, expect, call));
  failures.push(...checkTools(expect, call));
  return failures;
}
