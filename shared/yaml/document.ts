import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, PathSegment } from '../workflow/diagnostic';
import { formatPath } from '../workflow/diagnostic';

/** Larger files are refused before parsing: a workflow is a few KB, and the editor must stay responsive. */
export const MAX_SOURCE_CHARS = 10 * 1024 * 1024;
/** Alias expansions allowed when building the JS value (guards against "billion laughs"). */
export const MAX_ALIAS_COUNT = 1000;

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
  const refuse = (message: string): ParsedWorkflowDocument => ({
    text, lineCounter, value: undefined, ok: false,
    diagnostics: [{ severity: 'error', message, path: '', line: 1, column: 1 }],
  });
  if (typeof text !== 'string') return refuse('input is not text');
  if (text.length > MAX_SOURCE_CHARS) {
    return refuse(`file is too large (${(text.length / 1048576).toFixed(1)} MB; the limit is ${MAX_SOURCE_CHARS / 1048576} MB)`);
  }
  if (looksBinary(text)) return refuse('file looks binary, not YAML text');
  try {
    const doc = parseDocument(text, { keepSourceTokens: true, lineCounter, uniqueKeys: true, prettyErrors: false });
    const at = (offset: number) => lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    const diagnostics: Diagnostic[] = [];
    for (const e of doc.errors) {
      const { line, col } = at(e.pos[0]);
      diagnostics.push({ severity: 'error', message: `YAML: ${e.message.split('\n')[0]}`, path: '', line, column: col });
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
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
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
