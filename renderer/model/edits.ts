/**
 * Canvas edits as text -> text functions over shared/yaml/editor (the source-splicing editor: only the
 * edited fragment is re-rendered, comments and formatting elsewhere are kept).
 */
import { parseDocument } from 'yaml';
import * as shared from '../../shared/yaml/editor';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type PathSeg = string | number;

function stepValue(text: string, step: string): Record<string, unknown> | undefined {
  const steps = (parseDocument(text).toJS({ maxAliasCount: 1000 }) as { workflow?: { steps?: Record<string, unknown>[] } } | null)?.workflow?.steps;
  return Array.isArray(steps) ? steps.find((s) => s && s.name === step) : undefined;
}

function setIn(root: unknown, path: PathSeg[], value: Json | undefined): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = (Array.isArray(root) ? [...root] : root && typeof root === 'object' ? { ...(root as object) } : typeof head === 'number' ? [] : {}) as Record<string | number, unknown>;
  const next = setIn(base[head], rest, value);
  if (next === undefined) {
    if (Array.isArray(base)) base.splice(head as number, 1);
    else delete base[head];
  } else base[head] = next;
  return base;
}

export const editor = {
  addStep: (text: string, step: Record<string, Json>, index?: number) => shared.addStep(text, step, index),
  deleteStep: (text: string, name: string) => shared.deleteStep(text, name),
  renameStep: (text: string, from: string, to: string) => shared.renameStep(text, from, to),
  moveStep: (text: string, from: number, to: number) => shared.moveStep(text, from, to),
  setSignature: (text: string, name: string, signature: Json | undefined) =>
    signature === undefined ? shared.setStepField(text, name, 'dspy_signature', undefined) : shared.setSignature(text, name, signature as Record<string, unknown>),
  /** Sets `path` inside a step; a nested path re-renders only that top-level key of the step. */
  setStepField(text: string, name: string, path: PathSeg[], value: Json | undefined): string {
    const [key, ...rest] = path;
    if (rest.length === 0) return shared.setStepField(text, name, String(key), value);
    const current = stepValue(text, name)?.[String(key)];
    const next = setIn(current, rest, value);
    const empty = next && typeof next === 'object' && Object.keys(next).length === 0;
    return shared.setStepField(text, name, String(key), empty ? undefined : next);
  },
  /** Appends a previous_response part to the target's prompt (creating the prompt if needed). */
  addPreviousResponse(text: string, target: string, source: string): string {
    const prompt = stepValue(text, target)?.prompt;
    const count = Array.isArray(prompt) ? prompt.length : 0;
    return shared.setPromptPart(text, target, count, { type: 'previous_response', step: source });
  },
};
