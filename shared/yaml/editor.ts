import { Document, isAlias, isMap, isPair, isScalar, isSeq, visit, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { PathSegment } from '../workflow/diagnostic';
import { renameStepInTemplates } from '../workflow/templates';
import type { PromptPart } from '../workflow/schema';
import type { SignatureSpec } from '../dspy/signature';
import { collectSteps } from './validate';
import { parseYamlBounded } from './bounds';

/*
 * Source-preserving edits. Each operation parses the text, finds the source range of what it edits, renders
 * only the new fragment and splices it in; every other byte (comments, quoting, key order, blank lines) stays.
 * Document.toString() is never used: it re-renders the whole file.
 */

/** A step: its name, or its path such as `steps[2]` or `steps[2].steps[0]` (the graph's node ids). */
export type StepRef = string;

export class EditError extends Error {}

interface Splice { start: number; end: number; text: string }

/** A quoting style, and the styles the file uses for prose values (with spaces) and for single words. */
export type QuoteStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
export interface FileQuoting { prose: QuoteStyle; word: QuoteStyle }

interface Source { text: string; doc: Document.Parsed; quote: FileQuoting }

/** A one-line string value's class: prose has whitespace, a word has none (block scalars are left alone). */
const classOf = (v: unknown): keyof FileQuoting | null => (typeof v !== 'string' || v.includes('\n') ? null : /\s/.test(v) ? 'prose' : 'word');

/** The style most of the file's one-line string values of each class use (plain when none is quoted). */
export function quotingOf(doc: Document): FileQuoting {
  const n = { prose: { PLAIN: 0, QUOTE_DOUBLE: 0, QUOTE_SINGLE: 0 }, word: { PLAIN: 0, QUOTE_DOUBLE: 0, QUOTE_SINGLE: 0 } };
  visit(doc, {
    Scalar(key, node) {
      const c = classOf(node.value);
      if (key !== 'key' && c && node.type && node.type in n[c]) n[c][node.type as QuoteStyle]++;
    },
  });
  const best = (counts: Record<QuoteStyle, number>) => (Object.keys(counts) as QuoteStyle[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), 'PLAIN');
  return { prose: best(n.prose), word: best(n.word) };
}

function load(text: string): Source {
  const { doc, refusal } = parseYamlBounded(text, { keepSourceTokens: true, uniqueKeys: true });
  if (!doc) throw new EditError(`cannot edit: ${refusal!.message} at line ${refusal!.line}`);
  if (doc.errors.length > 0) throw new EditError(`cannot edit: the YAML has errors (${doc.errors[0].message.split('\n')[0]})`);
  return { text, doc, quote: quotingOf(doc) };
}

function apply(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

const lineStart = (t: string, o: number) => t.lastIndexOf('\n', o - 1) + 1;
const lineEnd = (t: string, o: number) => { const i = t.indexOf('\n', o); return i < 0 ? t.length : i + 1; };
const column = (t: string, o: number) => o - lineStart(t, o);

/** End of a node's content, before trailing newlines and blank lines that the parser counts in its range. */
function contentEnd(t: string, node: Node): number {
  const [start, end] = node.range!;
  let e = end;
  while (e > start && /\s/.test(t[e - 1])) e--;
  return e;
}

/**
 * Renders a YAML fragment whose first line goes at the splice point and whose other lines start at `col`;
 * its string values are quoted the way the file quotes its own (plain ones only where plain is safe).
 */
function render(value: unknown, col: number, quote: FileQuoting): string {
  const frag = new Document(value);
  visit(frag, {
    Scalar(key, node) {
      const c = classOf(node.value);
      if (key !== 'key' && c && quote[c] !== 'PLAIN') node.type = quote[c];
    },
  });
  const s = frag.toString({ lineWidth: 0, indent: 2 }).replace(/\n$/, '');
  return s.split('\n').map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(col) + l)).join('\n');
}

const STEP_PATH_RE = /^steps\[(\d+)\]((?:\.(?:steps|pipeline\.steps)\[\d+\])*)$/;

function stepPath(src: Source, ref: StepRef): PathSegment[] {
  if (STEP_PATH_RE.test(ref)) {
    const segs: PathSegment[] = ['workflow'];
    for (const m of ref.matchAll(/([a-z_]+(?:\.[a-z_]+)*)\[(\d+)\]/g)) segs.push(...m[1].split('.'), Number(m[2]));
    if (!isMap(src.doc.getIn(segs, true))) throw new EditError(`no step at ${ref}`);
    return segs;
  }
  const wf = (src.doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null)?.workflow;
  const found = wf && typeof wf === 'object' ? collectSteps(wf as Record<string, unknown>).find((s) => (s.step as { name?: unknown })?.name === ref) : undefined;
  if (!found) throw new EditError(`no step named '${ref}'`);
  return found.path;
}

function blockMap(src: Source, path: PathSegment[]): YAMLMap {
  const node = src.doc.getIn(path, true);
  if (!isMap(node) || node.flow || !node.range) throw new EditError(`${path.join('.')} is not a block map`);
  return node;
}

function blockSeq(src: Source, path: PathSegment[]): YAMLSeq {
  const node = src.doc.getIn(path, true);
  if (!isSeq(node) || node.flow || !node.range || node.items.length === 0) throw new EditError(`${path.join('.')} is not a non-empty block list`);
  return node;
}

const pairOf = (map: YAMLMap, key: string) => map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) as Pair<Scalar, Node | null> | undefined;

/** Sets (or with `undefined`, removes) one key of a step. Other keys and their formatting are untouched. */
export function setStepField(text: string, step: StepRef, key: string, value: unknown): string {
  const src = load(text);
  return apply(text, [fieldSplice(src, blockMap(src, stepPath(src, step)), key, value)]);
}

function fieldSplice(src: Source, map: YAMLMap, key: string, value: unknown): Splice {
  const t = src.text;
  const pair = pairOf(map, key);
  if (pair) {
    const start = pair.key.range![0];
    const end = pair.value?.range ? contentEnd(t, pair.value) : t.indexOf(':', pair.key.range![1]) + 1;
    if (value === undefined) {
      if (t.slice(lineStart(t, start), start).trim() !== '') throw new EditError(`cannot remove '${key}': it shares its line with the list marker`);
      return removeLines(t, lineStart(t, start), lineEnd(t, end - 1));
    }
    return { start, end, text: render({ [key]: value }, column(t, start), src.quote) };
  }
  if (value === undefined) return { start: 0, end: 0, text: '' };
  const first = map.items[0] as Pair<Scalar, Node | null> | undefined;
  if (!first) throw new EditError('cannot add a key to an empty map');
  const last = map.items[map.items.length - 1] as Pair<Scalar, Node | null>;
  const at = lineEnd(t, contentEnd(t, (last.value?.range ? last.value : last.key) as Node) - 1);
  const col = column(t, first.key.range![0]);
  return { start: at, end: at, text: newLines(t, at, `${' '.repeat(col)}${render({ [key]: value }, col, src.quote)}`) };
}

/** Replaces part `index` of a step's prompt, or appends when `index` equals the number of parts. A string prompt is replaced by a one-part list. */
export function setPromptPart(text: string, step: StepRef, index: number, part: PromptPart | Record<string, unknown>): string {
  const src = load(text);
  const path = stepPath(src, step);
  const prompt = src.doc.getIn([...path, 'prompt'], true);
  if (!isSeq(prompt) || prompt.flow || prompt.items.length === 0) {
    if (index !== 0) throw new EditError(`prompt of ${step} has no part ${index}`);
    return apply(text, [fieldSplice(src, blockMap(src, path), 'prompt', [part])]);
  }
  const t = src.text;
  if (index < 0 || index > prompt.items.length) throw new EditError(`prompt of ${step} has ${prompt.items.length} parts; cannot set part ${index}`);
  if (index < prompt.items.length) {
    const item = prompt.items[index] as Node;
    const start = item.range![0];
    return apply(text, [{ start, end: contentEnd(t, item), text: render(part, column(t, start), src.quote) }]);
  }
  return apply(text, [appendItem(src, prompt, part)]);
}

function appendItem(src: Source, seq: YAMLSeq, value: unknown): Splice {
  const t = src.text;
  const last = seq.items[seq.items.length - 1] as Node;
  const at = lineEnd(t, contentEnd(t, last) - 1);
  const col = column(t, seq.range![0]);
  return { start: at, end: at, text: newLines(t, at, `${' '.repeat(col)}${render([value], col, src.quote)}`) };
}

/**
 * Line spans of a block list's items. An item's span starts after the previous item's last line (the first
 * item's after the parent key's line), so the comments and blank lines above a step travel with it.
 */
function itemSpans(t: string, seq: YAMLSeq): { start: number; end: number }[] {
  let prevEnd = leadingStart(t, lineStart(t, seq.range![0]));
  return (seq.items as Node[]).map((item) => {
    const end = lineEnd(t, contentEnd(t, item) - 1);
    const span = { start: prevEnd, end };
    prevEnd = end;
    return span;
  });
}

/** Start of the run of comment and blank lines directly above the line starting at `from`. */
function leadingStart(t: string, from: number): number {
  let start = from;
  while (start > 0) {
    const prev = lineStart(t, start - 1);
    const line = t.slice(prev, start).trim();
    if (line !== '' && !line.startsWith('#')) break;
    start = prev;
  }
  return start;
}

function parentList(src: Source, path: PathSegment[]): { seq: YAMLSeq; index: number } {
  return { seq: blockSeq(src, path.slice(0, -1)), index: path[path.length - 1] as number };
}

/** Inserts a step at `index` (default: the end) of the top-level steps. */
export function addStep(text: string, step: Record<string, unknown>, index?: number): string {
  const src = load(text);
  const seq = blockSeq(src, ['workflow', 'steps']);
  const n = seq.items.length;
  const at = index ?? n;
  if (at < 0 || at > n) throw new EditError(`cannot insert a step at ${at}: there are ${n}`);
  if (at === n) return apply(text, [appendItem(src, seq, step)]);
  const start = itemSpans(text, seq)[at].start;
  const col = column(text, seq.range![0]);
  return apply(text, [{ start, end: start, text: `${' '.repeat(col)}${render([step], col, src.quote)}\n` }]);
}

/** Removes a step with the comments and blank lines directly above it. */
export function deleteStep(text: string, step: StepRef): string {
  const src = load(text);
  const { seq, index } = parentList(src, stepPath(src, step));
  const span = itemSpans(text, seq)[index];
  return apply(text, [removeLines(text, span.start, span.end)]);
}

/** Moves the step at `from` to position `to` within its list (top level, or the list holding `within`'s steps). */
export function moveStep(text: string, from: number, to: number, within?: StepRef): string {
  const src = load(text);
  const listPath = within === undefined ? ['workflow', 'steps'] : [...stepPath(src, within), 'steps'];
  return moveInSeq(text, blockSeq(src, listPath), from, to, 'step');
}

/**
 * Moves item `from` of a block list inside a step (e.g. `['prompt']` or `['dspy_config', 'chain_steps']`) to
 * position `to`. Each item travels with the comment and blank lines directly above it; nothing else changes.
 */
export function moveStepListItem(text: string, step: StepRef, path: PathSegment[], from: number, to: number): string {
  const src = load(text);
  return moveInSeq(text, blockSeq(src, [...stepPath(src, step), ...path]), from, to, 'item');
}

function moveInSeq(text: string, seq: YAMLSeq, from: number, to: number, what: string): string {
  const n = seq.items.length;
  if (from < 0 || from >= n || to < 0 || to >= n) throw new EditError(`cannot move ${what} ${from} to ${to}: there are ${n}`);
  if (from === to) return text;
  const spans = itemSpans(text, seq);
  const chunks = spans.map((s) => text.slice(s.start, s.end));
  const lastHadNewline = chunks[n - 1].endsWith('\n');
  if (!lastHadNewline) chunks[n - 1] += '\n';
  const [moved] = chunks.splice(from, 1);
  chunks.splice(to, 0, moved);
  let region = chunks.join('');
  if (!lastHadNewline) region = region.slice(0, -1);
  return apply(text, [{ start: spans[0].start, end: spans[n - 1].end, text: region }]);
}

const isBlockMap = (n: unknown): n is YAMLMap => isMap(n) && !n.flow && !!n.range && n.items.length > 0;
const isBlockSeq = (n: unknown): n is YAMLSeq => isSeq(n) && !n.flow && !!n.range && n.items.length > 0;

/** Plain-data copy of `root` with `value` set at `path` (`undefined` removes; emptied maps and lists are removed too). */
function setIn(root: unknown, path: PathSegment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base: Record<string | number, unknown> = Array.isArray(root) ? [...root] as unknown as Record<number, unknown> : root && typeof root === 'object' ? { ...(root as object) } : (typeof head === 'number' ? [] : {}) as Record<string, unknown>;
  const next = setIn(base[head], rest, value);
  if (next === undefined) {
    if (Array.isArray(base)) base.splice(head as number, 1);
    else delete base[head];
  } else base[head] = next;
  return Array.isArray(base) ? (base.length ? base : undefined) : Object.keys(base).length ? base : undefined;
}

/**
 * Sets (or with `undefined`, removes) the value at `path` inside a step, e.g. `['dspy_config', 'max_wait_time']`,
 * `['prompt', 1, 'content']` or `['prompt', 3]` (one past the end appends). The walk follows block maps and
 * block lists as deep as they exist and splices only there: sibling keys, list items and the comments between
 * them keep their bytes. A missing or flow-style level is rendered once, as a block, from the first level that
 * has to change. Removing the last key of a map (or the last item of a list) removes the map's own key.
 */
export function setStepPath(text: string, step: StepRef, path: PathSegment[], value: unknown): string {
  if (path.length === 0) throw new EditError('setStepPath needs a path inside the step');
  const src = load(text);
  const base = stepPath(src, step);
  let at = base;
  let i = 0;
  for (; i < path.length - 1; i++) {
    const next = src.doc.getIn([...at, path[i]], true);
    const wantSeq = typeof path[i + 1] === 'number';
    if (wantSeq ? !isBlockSeq(next) : !isBlockMap(next)) break;
    at = [...at, path[i]];
  }
  const container = src.doc.getIn(at, true);
  const key = path[i];
  const rest = path.slice(i + 1);
  const t = src.text;
  let newValue = value;
  if (rest.length > 0) {
    const current = src.doc.getIn([...at, key], false) as unknown;
    const plain = current && typeof current === 'object' && 'toJSON' in current ? (current as { toJSON(): unknown }).toJSON() : current;
    newValue = setIn(plain, rest, value);
  }
  const prune = newValue === undefined && i > 0;
  if (isMap(container)) {
    if (typeof key !== 'string') throw new EditError(`${[...at].join('.')} is a map; '${key}' is not a key`);
    const map = blockMap(src, at);
    if (prune && map.items.length === 1 && pairOf(map, key)) return setStepPath(text, step, path.slice(0, i), undefined);
    return apply(text, [fieldSplice(src, map, key, newValue)]);
  }
  if (isSeq(container)) {
    if (typeof key !== 'number') throw new EditError(`${[...at].join('.')} is a list; '${key}' is not an index`);
    const seq = blockSeq(src, at);
    const n = seq.items.length;
    if (key < 0 || key > n || (key === n && newValue === undefined)) throw new EditError(`${at.slice(base.length).join('.')} has ${n} items; cannot set item ${key}`);
    if (newValue === undefined) {
      if (n === 1 && prune) return setStepPath(text, step, path.slice(0, i), undefined);
      const span = itemSpans(t, seq)[key];
      return apply(text, [removeLines(t, span.start, span.end)]);
    }
    if (key === n) return apply(text, [appendItem(src, seq, newValue)]);
    const item = seq.items[key] as Node;
    const start = item.range![0];
    return apply(text, [{ start, end: contentEnd(t, item), text: render(newValue, column(t, start), src.quote) }]);
  }
  throw new EditError(`cannot edit ${path.join('.')} of ${step}`);
}

/** Sets a step's dspy_signature. */
export function setSignature(text: string, step: StepRef, spec: SignatureSpec | Record<string, unknown>): string {
  return setStepField(text, step, 'dspy_signature', spec);
}

/** Whole lines inserted at a line start; at the end of a file without a final newline, the file still ends without one. */
function newLines(t: string, at: number, lines: string): string {
  return at === t.length && !t.endsWith('\n') ? `\n${lines}` : `${lines}\n`;
}

/** Removes whole lines; removing the last line of a file without a final newline also takes the newline before it. */
function removeLines(t: string, start: number, end: number): Splice {
  return end === t.length && !t.endsWith('\n') && start > 0 ? { start: start - 1, end, text: '' } : { start, end, text: '' };
}

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** A scalar rendered in the quoting style of the scalar it replaces. */
function scalarLike(node: Scalar, value: string): string {
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (node.type === 'PLAIN' && PLAIN_SAFE.test(value) && !RESERVED.test(value)) return value;
  return JSON.stringify(value);
}

const DATA_SOURCE_KEYS = new Set(['input_source', 'data_source', 'right_source']);
const STEP_NAME_KEYS = new Set(['step', 'target_step']);

/**
 * Renames a step and every reference to it: previous_response parts (`step:`), `target_step`,
 * `{{steps.NAME...}}` and `{{previous_response:NAME}}` templates, `previous_response:NAME` data sources
 * and `NAME.field` conditions.
 */
export function renameStep(text: string, from: string, to: string): string {
  if (!/^\S(.*\S)?$/.test(to) || to.includes('\n')) throw new EditError('a step name must be non-empty text without surrounding spaces');
  const src = load(text);
  const wf = (src.doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null)?.workflow;
  const steps = wf && typeof wf === 'object' ? collectSteps(wf as Record<string, unknown>) : [];
  const named = (n: string) => steps.filter((s) => (s.step as { name?: unknown })?.name === n);
  if (named(from).length === 0) throw new EditError(`no step named '${from}'`);
  if (from !== to && named(to).length > 0) throw new EditError(`a step named '${to}' already exists`);
  if (from === to) return text;

  const splices: Splice[] = [];
  const nameNodes = new Set(named(from).map((s) => src.doc.getIn([...s.path, 'name'], true)));
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const dataSourceRe = new RegExp(`(previous_response:)${escaped}(?=$|[.:"'\\s])`, 'g');
  const conditionRe = new RegExp(`(^|[^\\w.])${escaped}(?=\\.)`, 'g');

  const visitScalar = (node: Scalar, key: string | undefined) => {
    if (!node.range || typeof node.value !== 'string') return;
    const raw = text.slice(node.range[0], node.range[1]);
    if (nameNodes.has(node) || (key !== undefined && STEP_NAME_KEYS.has(key) && node.value === from)) {
      splices.push({ start: node.range[0], end: node.range[1], text: scalarLike(node, to) });
      return;
    }
    let edited = renameStepInTemplates(raw, from, to);
    if (key !== undefined && DATA_SOURCE_KEYS.has(key)) edited = edited.replace(dataSourceRe, `$1${to}`);
    if (key === 'condition') edited = edited.replace(conditionRe, `$1${to}`);
    if (edited !== raw) splices.push({ start: node.range[0], end: node.range[1], text: edited });
  };
  const walk = (node: unknown, key: string | undefined) => {
    if (isAlias(node)) return;
    if (isScalar(node)) visitScalar(node, key);
    else if (isMap(node)) for (const p of node.items) { if (isPair(p)) walk(p.value, isScalar(p.key) ? String(p.key.value) : undefined); }
    else if (isSeq(node)) for (const item of node.items) walk(item, key === 'condition' ? 'condition' : undefined);
  };
  walk(src.doc.contents, undefined);
  return apply(text, splices);
}
