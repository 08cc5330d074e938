// Maps a validation issue's path (["scenarios", 2, "expect", "ended_by"]) to a line and column of
// the YAML/JSON source, through the parsed document's node ranges. JSON is parsed as YAML (a
// superset), so both get positions from one parser.
import { isMap, isNode, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  column: number;
}

type PathKey = string | number;

function keyNode(parent: unknown, key: PathKey): Node | undefined {
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function nodeAt(document: Document, path: readonly PathKey[]): Node | undefined {
  const found: unknown = path.length === 0 ? document.contents : document.getIn(path, true);
  return isNode(found) ? found : undefined;
}

/**
 * The position of the node at `path`; for a key the object lacks, the object itself; for
 * `unknownKey` (an unrecognized key), that key.
 */
export function positionOf(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PathKey[],
  unknownKey?: string,
): SourcePosition {
  for (let length = path.length; length >= 0; length -= 1) {
    const prefix = path.slice(0, length);
    const node = nodeAt(document, prefix);
    if (!node) continue;
    const target = (unknownKey !== undefined && length === path.length && keyNode(node, unknownKey)) || node;
    const offset = target.range?.[0];
    if (offset === undefined) continue;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  }
  return { line: 1, column: 1 };
}
