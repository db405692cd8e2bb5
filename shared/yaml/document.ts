import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { plainYamlError } from './plain-errors';
import type { Diagnostic, PathSegment } from '../workflow/diagnostic';
import { formatPath } from '../workflow/diagnostic';
import { parseYamlBounded, YAML_LIMITS } from './bounds';

export const MAX_SOURCE_CHARS = YAML_LIMITS.maxChars;
export const MAX_ALIAS_COUNT = YAML_LIMITS.maxAliasCount;

export interface ParsedWorkflowDocument {
  text: string;
  /** Undefined when the text was refused before parsing (size, binary). */
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JS value; undefined when `ok` is false. */
  value: unknown;
  /** YAML-level findings: syntax errors, duplicate keys, alias limits, yaml warnings. */
  diagnostics: Diagnostic[];
  /** False when the text is not usable YAML. */
  ok: boolean;
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

/** Parses YAML text with positions; never throws. */
export function parseWorkflowDocument(text: string): ParsedWorkflowDocument {
  const lineCounter = new LineCounter();
  const refuse = (message: string, line = 1, column = 1): ParsedWorkflowDocument => ({
    text, lineCounter, value: undefined, ok: false,
    diagnostics: [{ severity: 'error', message, path: '', line, column }],
  });
  if (typeof text !== 'string') return refuse('input is not text');
  if (looksBinary(text)) return refuse('file looks binary, not YAML text');
  try {
    // logLevel 'error': warnings stay in the diagnostics instead of going to the process's stderr.
    const bounded = parseYamlBounded(text, { keepSourceTokens: true, lineCounter, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
    if (bounded.refusal) return refuse(bounded.refusal.message, bounded.refusal.line, bounded.refusal.column);
    const doc = bounded.doc!;
    const at = (offset: number) => lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    const diagnostics: Diagnostic[] = [];
    // One typo makes several parser errors: the first says where; the rest mostly follow from it.
    const first = doc.errors[0];
    if (first) {
      const { line, col } = at(first.pos[0]);
      const more = doc.errors.length - 1;
      diagnostics.push({ severity: 'error', message: `YAML: ${plainYamlError({ code: first.code, message: first.message, line }, text)}${more ? ` (${more} more parser error${more === 1 ? ' after this one usually follows' : 's after this one usually follow'} from it)` : ''}`, path: '', line, column: col });
    }
    for (const w of doc.warnings) {
      const { line, col } = at(w.pos[0]);
      diagnostics.push({ severity: 'warning', message: `YAML: ${w.message.split('\n')[0]}`, path: '', line, column: col });
    }
    if (doc.errors.length > 0) return { text, doc, lineCounter, value: undefined, diagnostics, ok: false };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push({ severity: 'error', message: `YAML: ${(e as Error).message}`, path: '', line: 1, column: 1 });
      return { text, doc, lineCounter, value: undefined, diagnostics, ok: false };
    }
    return { text, doc, lineCounter, value, diagnostics, ok: true };
  } catch (e) {
    return refuse(`YAML: ${(e as Error).message}`);
  }
}

// Key -> pair per map, built on first lookup, so locating N diagnostics costs N path walks, not N map scans.
// Rebuilt when the map's size changed (an edited document).
const pairIndex = new WeakMap<YAMLMap, { size: number; index: Map<unknown, Pair> }>();
function pairOf(map: YAMLMap, key: PathSegment): Pair | undefined {
  const cached = pairIndex.get(map);
  let index = cached?.size === map.items.length ? cached.index : undefined;
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      if (!isPair(p)) continue;
      const k = isScalar(p.key) ? p.key.value : p.key;
      if (!index.has(k)) index.set(k, p);
    }
    pairIndex.set(map, { size: map.items.length, index });
  }
  return index.get(key);
}

/**
 * The deepest node along `path`: the value node, or the key node when `atKey` and the last key exists.
 * Missing segments stop the walk at the nearest existing ancestor.
 */
export function nodeAtPath(doc: Document, path: readonly PathSegment[], atKey = false): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairOf(node, seg);
      if (!pair) return found;
      if (last && atKey && pair.key) return pair.key as Node;
      if (pair.value == null) return (pair.key as Node) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] != null) {
      node = node.items[seg];
    } else {
      return found;
    }
    found = node as Node;
  }
  return found;
}

/** 1-based line and column of `path` in the parsed document. */
export function positionOf(parsed: ParsedWorkflowDocument, path: readonly PathSegment[], atKey = false): { line: number; column: number } {
  const node = parsed.doc ? nodeAtPath(parsed.doc, path, atKey) : undefined;
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = parsed.lineCounter.linePos(offset);
  return { line, column: col };
}

export function diagnosticAt(parsed: ParsedWorkflowDocument, severity: Diagnostic['severity'], message: string, path: readonly PathSegment[], atKey = false): Diagnostic {
  return { severity, message, path: formatPath(path), ...positionOf(parsed, path, atKey) };
}
