/**
 * Canvas edits as text -> text functions over shared/yaml/editor (the source-splicing editor: only the
 * edited fragment is re-rendered, comments and formatting elsewhere are kept).
 */
import * as shared from '../../shared/yaml/editor';
import { collectSteps } from '../../shared/yaml/validate';
import { parseWorkflowDocument } from '../../shared/yaml/document';
import { formatPath } from '../../shared/workflow/diagnostic';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type PathSeg = string | number;

/** A step's value by name or by path (`steps[1].steps[0]`), nested steps included. */
function stepValue(text: string, step: string): Record<string, unknown> | undefined {
  const wf = (parseWorkflowDocument(text).value as { workflow?: Record<string, unknown> } | null | undefined)?.workflow;
  if (!wf || typeof wf !== 'object') return undefined;
  const located = collectSteps(wf);
  const byPath = located.find((l) => formatPath(l.path.slice(1)) === step);
  const found = byPath ?? located.find((l) => (l.step as { name?: unknown } | null)?.name === step);
  return found?.step as Record<string, unknown> | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a container keeps its nested steps: `steps` (loops), or `pipeline.steps` (an inline pipeline); null if it keeps none. */
export function nestedListKey(raw: Obj): PathSeg[] | null {
  if ('steps' in raw || raw.type === 'for_loop' || raw.type === 'while_loop') return ['steps'];
  if (isObj(raw.pipeline) && 'steps' in raw.pipeline) return ['pipeline', 'steps'];
  return null;
}

function valueAt(v: unknown, path: PathSeg[]): unknown {
  return path.reduce<unknown>((acc, seg) => (acc !== null && typeof acc === 'object' ? (acc as Record<string | number, unknown>)[seg] : undefined), v);
}

export const editor = {
  addStep: (text: string, step: Record<string, Json>, index?: number) => shared.addStep(text, step, index),
  deleteStep: (text: string, name: string) => shared.deleteStep(text, name),
  renameStep: (text: string, from: string, to: string) => shared.renameStep(text, from, to),
  moveStep: (text: string, from: number, to: number) => shared.moveStep(text, from, to),
  setSignature: (text: string, name: string, signature: Json | undefined) =>
    signature === undefined ? shared.setStepField(text, name, 'dspy_signature', undefined) : shared.setSignature(text, name, signature as Record<string, unknown>),
  /** Sets (or removes) `path` inside a step through shared's source-splicing editor: only that value's lines change. */
  setStepField: (text: string, step: string, path: PathSeg[], value: Json | undefined): string => shared.setStepPath(text, step, path, value),
  /** Moves item `from` of a list inside a step (prompt parts, chain links, conditions) to `to`. */
  moveListItem: (text: string, step: string, path: PathSeg[], from: number, to: number): string => shared.moveStepListItem(text, step, path, from, to),
  /** Appends a step to a container's nested steps (an empty or missing list becomes a one-step block list). */
  addNestedStep(text: string, container: string, listKey: PathSeg[], step: Record<string, Json>): string {
    const list = valueAt(stepValue(text, container), listKey);
    const n = Array.isArray(list) ? list.length : 0;
    return n === 0 ? shared.setStepPath(text, container, listKey, [step]) : shared.setStepPath(text, container, [...listKey, n], step);
  },
  /** Appends a previous_response part to the target's prompt (creating the prompt if needed). */
  addPreviousResponse(text: string, target: string, source: string): string {
    const prompt = stepValue(text, target)?.prompt;
    const count = Array.isArray(prompt) ? prompt.length : 0;
    return shared.setPromptPart(text, target, count, { type: 'previous_response', step: source });
  },
};
