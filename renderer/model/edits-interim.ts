/** Interim text edits through the yaml Document API (comments and key order kept). */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { Json, PathSeg } from './edits';

function load(text: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) throw new Error(`YAML does not parse: ${doc.errors[0].message}`);
  return doc;
}

function steps(doc: Document.Parsed) {
  const seq = doc.getIn(['workflow', 'steps']);
  if (!isSeq(seq)) throw new Error('workflow.steps is not a list');
  return seq;
}

function indexOf(doc: Document.Parsed, name: string): number {
  const i = steps(doc).items.findIndex((it) => isMap(it) && it.get('name') === name);
  if (i < 0) throw new Error(`no step named ${name}`);
  return i;
}

const out = (doc: Document.Parsed) => doc.toString({ lineWidth: 0 });

export function addStep(text: string, step: Record<string, Json>, index?: number): string {
  const doc = load(text);
  if (!isSeq(doc.getIn(['workflow', 'steps']))) doc.setIn(['workflow', 'steps'], doc.createNode([]));
  const seq = steps(doc);
  const node = doc.createNode(step);
  if (index === undefined || index >= seq.items.length) seq.items.push(node);
  else seq.items.splice(index, 0, node);
  return out(doc);
}

export function deleteStep(text: string, name: string): string {
  const doc = load(text);
  steps(doc).items.splice(indexOf(doc, name), 1);
  return out(doc);
}

export function renameStep(text: string, from: string, to: string): string {
  const doc = load(text);
  doc.setIn(['workflow', 'steps', indexOf(doc, from), 'name'], to);
  return out(doc);
}

export function setStepField(text: string, name: string, path: PathSeg[], value: Json | undefined): string {
  const doc = load(text);
  const at = ['workflow', 'steps', indexOf(doc, name), ...path];
  if (value === undefined) doc.deleteIn(at);
  else doc.setIn(at, doc.createNode(value));
  return out(doc);
}

export function moveStep(text: string, name: string, toIndex: number): string {
  const doc = load(text);
  const seq = steps(doc);
  const [item] = seq.items.splice(indexOf(doc, name), 1);
  seq.items.splice(Math.max(0, Math.min(toIndex, seq.items.length)), 0, item);
  return out(doc);
}

export function setSignature(text: string, name: string, signature: Json | undefined): string {
  return setStepField(text, name, ['dspy_signature'], signature);
}

export function addPreviousResponse(text: string, target: string, source: string): string {
  const doc = load(text);
  const i = indexOf(doc, target);
  const prompt = doc.getIn(['workflow', 'steps', i, 'prompt']);
  const part = doc.createNode({ type: 'previous_response', step: source });
  if (isSeq(prompt)) prompt.items.push(part);
  else doc.setIn(['workflow', 'steps', i, 'prompt'], doc.createNode([{ type: 'previous_response', step: source }]));
  return out(doc);
}
