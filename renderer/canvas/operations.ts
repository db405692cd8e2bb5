/** Domain actions on steps (each is one undoable history entry), used by canvas, inspector, palette and shortcuts. */
import { editor, nestedListKey, type Json } from '../model/edits';
import type { StepView } from '../model/types';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { defaultStep, nameFor, uniqueName } from './step-defaults';
import { persistLayoutSoon } from '../workspace/actions';
import { plural } from '../model/plural';

function stepNames(): string[] {
  return useDocument.getState().view?.steps.map((s) => s.name) ?? [];
}

function report(ok: boolean, what: string) {
  if (!ok) useUi.getState().toast('error', `${what} failed: fix the YAML first`);
}

/**
 * Adds a step of `type`, named from its type (`claude_1`). `at` places it: a top-left position, relative to
 * `at.container` when it is dropped inside one (it joins that container's nested steps).
 */
export function addStepOfType(type: string, at?: { position: { x: number; y: number }; container?: string }): string | null {
  const doc = useDocument.getState();
  if (doc.parseError) {
    useUi.getState().toast('error', 'The YAML has errors: fix them before editing on the canvas');
    return null;
  }
  const name = nameFor(type, stepNames());
  const body = defaultStep(type, name);
  const container = at?.container ? doc.view?.steps.find((s) => s.id === at.container) : undefined;
  const listKey = container ? nestedListKey(container.raw) : null;
  const label = container ? `Add ${type} to ${container.name}` : `Add ${type}`;
  const ok = doc.applyEdit(label, (t) => (container && listKey ? editor.addNestedStep(t, container.id, listKey, body) : editor.addStep(t, body)), (s) => ({
    positions: at ? { ...s.positions, [name]: at.position } : s.positions,
    selection: [name],
  }));
  report(ok, 'Adding a step');
  if (ok) persistLayoutSoon();
  return ok ? name : null;
}

/**
 * Moves a step into a container's nested steps, or out to the top level (`containerId` undefined): the step is
 * written at the end of that list from its parsed value (comments inside the step do not travel), then removed
 * from where it was, as a delete would; its card at `position` (inside the container when there is one).
 */
export function moveStepTo(id: string, containerId: string | undefined, position: { x: number; y: number }): boolean {
  const doc = useDocument.getState();
  const all = doc.view?.steps ?? [];
  const step = all.find((s) => s.id === id);
  const container = containerId ? all.find((s) => s.id === containerId) : undefined;
  const listKey = container ? nestedListKey(container.raw) : null;
  if (!step || step.parentId === containerId || (containerId && (!container || !listKey))) return false;
  const body = structuredClone(step.raw) as Record<string, Json>;
  // Appended first (appending shifts no path), then the original removed by its path (names repeat meanwhile).
  const add = (t: string) => (container && listKey ? editor.addNestedStep(t, container.id, listKey, body) : editor.addStep(t, body));
  const remove = removal(all, [step.path]);
  const label = container ? `Move ${step.name} into ${container.name}` : `Move ${step.name} out of ${step.parentId}`;
  const ok = doc.applyEdit(label, (t) => remove.edit(add(t)), (s) => ({
    positions: { ...s.positions, [step.name]: position },
    selection: [step.name],
  }));
  report(ok, container ? 'Moving into a container' : 'Moving out of a container');
  if (ok) persistLayoutSoon();
  return ok;
}

/** The key path of a nested step's list inside its container (`steps`, `pipeline.steps`), from the step's path. */
function listKeyIn(parent: StepView, child: StepView): (string | number)[] {
  const rel = child.path.slice(parent.path.length + 1).replace(/\[\d+\]$/, '');
  return rel.split('.');
}

/**
 * The text edit that deletes steps `ids` (ids or paths): a container takes its nested steps with it, and a
 * container whose every nested step goes keeps an empty list (`steps: []`), so the workflow stays valid.
 */
function removal(all: StepView[], ids: string[]): { targets: StepView[]; gone: Set<string>; edit: (text: string) => string } {
  const chosen = new Set(all.filter((s) => ids.includes(s.id) || ids.includes(s.path)).map((s) => s.id));
  const byId = new Map(all.map((s) => [s.id, s]));
  const insideChosen = (id: string) => {
    for (let p = byId.get(id)?.parentId; p; p = byId.get(p)?.parentId) if (chosen.has(p)) return true;
    return false;
  };
  // Deleted from the end so path-based ids stay valid.
  const targets = all.filter((s) => chosen.has(s.id) && !insideChosen(s.id)).reverse();
  const gone = new Set<string>();
  const collect = (id: string) => { gone.add(id); for (const c of byId.get(id)?.children ?? []) collect(c); };
  targets.forEach((t) => collect(t.id));
  const emptied = new Set(targets.map((t) => t.parentId).filter((p): p is string => !!p && !gone.has(p) && byId.get(p)!.children.every((c) => gone.has(c))));
  const edit = (text: string) =>
    targets.reduce((acc, s) => {
      if (!s.parentId || !emptied.has(s.parentId)) return editor.deleteStep(acc, s.path);
      const parent = byId.get(s.parentId)!;
      // The container's first child comes last (reverse order): empty the list once, there.
      return parent.children[0] === s.id ? editor.setStepField(acc, parent.id, listKeyIn(parent, s), []) : acc;
    }, text);
  return { targets, gone, edit };
}

export function deleteSteps(ids: string[]): void {
  if (ids.length === 0) return;
  const doc = useDocument.getState();
  const { targets, gone, edit } = removal(doc.view?.steps ?? [], ids);
  if (targets.length === 0) return;
  const ok = doc.applyEdit(`Delete ${targets.length > 1 ? `${targets.length} steps` : targets[0].name}`, edit, (s) => {
    const positions = { ...s.positions };
    for (const n of gone) delete positions[n];
    return { positions, selection: [] };
  });
  report(ok, 'Deleting');
  if (ok) persistLayoutSoon();
}

/** A copied step: its body, and the container it was nested in (pasting puts it back there). */
interface Copied { raw: Record<string, Json>; name: string; container?: string; listKey?: (string | number)[] }
let clipboard: Copied[] = [];

export function copySteps(ids: string[]): number {
  const all = useDocument.getState().view?.steps ?? [];
  const steps = all.filter((s) => ids.includes(s.id));
  clipboard = steps.map((s) => {
    const parent = s.parentId ? all.find((p) => p.id === s.parentId) : undefined;
    return { raw: structuredClone(s.raw) as Record<string, Json>, name: s.id, ...(parent ? { container: parent.id, listKey: listKeyIn(parent, s) } : {}) };
  });
  if (steps.length) useUi.getState().toast('info', `Copied ${plural(steps.length, 'step')}`);
  return steps.length;
}

export function hasCopiedSteps(): boolean {
  return clipboard.length > 0;
}

export function pasteSteps(): void {
  if (clipboard.length === 0) return;
  const doc = useDocument.getState();
  const taken = new Set(stepNames());
  const present = new Set(doc.view?.steps.map((s) => s.id) ?? []);
  const items = clipboard.map((c) => {
    const name = uniqueName(`${String(c.raw.name ?? 'step')}_copy`, taken);
    taken.add(name);
    // A nested step goes back into its container while that container exists.
    const into = c.container && c.listKey && present.has(c.container) ? { container: c.container, listKey: c.listKey } : undefined;
    return { c, name, body: { ...c.raw, name }, into };
  });
  const edit = (text: string) => items.reduce((acc, i) => (i.into ? editor.addNestedStep(acc, i.into.container, i.into.listKey, i.body) : editor.addStep(acc, i.body)), text);
  const ok = doc.applyEdit(`Paste ${plural(items.length, 'step')}`, edit, (s) => {
    const positions = { ...s.positions };
    for (const i of items) {
      const from = s.positions[i.c.name];
      if (from) positions[i.name] = { x: from.x + 40, y: from.y + 60 };
    }
    return { positions, selection: items.map((i) => i.name) };
  });
  report(ok, 'Paste');
  if (ok) persistLayoutSoon();
}

export function duplicateSteps(ids: string[]): void {
  if (copySteps(ids)) pasteSteps();
}

export function renameStep(from: string, to: string): boolean {
  const doc = useDocument.getState();
  if (!to || from === to) return false;
  if (stepNames().includes(to)) {
    useUi.getState().toast('error', `A step named ${to} already exists`);
    return false;
  }
  const ok = doc.applyEdit(`Rename ${from}`, (t) => editor.renameStep(t, from, to), (s) => {
    const positions = { ...s.positions };
    if (positions[from]) {
      positions[to] = positions[from];
      delete positions[from];
    }
    return { positions, selection: s.selection.map((x) => (x === from ? to : x)) };
  });
  if (ok) persistLayoutSoon();
  return ok;
}

/**
 * Sets a value inside a step (`step` is a step id: its name, or its path for unnamed or duplicate names).
 * Edits with the same `merge` key in a row (typing in one field) make one undo entry.
 */
export function setField(step: string, path: (string | number)[], value: Json | undefined, label = `Edit ${step}`, merge?: string): boolean {
  return useDocument.getState().applyEdit(label, (t) => editor.setStepField(t, step, path, value), undefined, merge);
}

/** Moves item `from` of a list inside a step to `to` (prompt parts, chain links, conditions). */
export function moveListItem(step: string, path: (string | number)[], from: number, to: number, label = `Reorder ${path.join('.')} of ${step}`): boolean {
  return useDocument.getState().applyEdit(label, (t) => editor.moveListItem(t, step, path, from, to));
}

export function setSignature(step: string, signature: Json | undefined, merge?: string): boolean {
  return useDocument.getState().applyEdit(`Edit signature of ${step}`, (t) => editor.setSignature(t, step, signature), undefined, merge);
}

/**
 * Drawing an edge creates the reference the YAML needs: from a typed output to a dspy_chain's typed input,
 * a chain link `<output>_to_<input>` at the head of the chain (when the names differ; with equal names the
 * chain already reads the field, nothing to write); otherwise a previous_response part in the target's prompt.
 */
export function connectSteps(source: string, target: string, sourceHandle?: string | null, targetHandle?: string | null): boolean {
  const doc = useDocument.getState();
  const view = doc.view;
  const src = view?.steps.find((s) => s.id === source);
  const dst = view?.steps.find((s) => s.id === target);
  if (!src || !dst || src.id === dst.id) return false;
  const outField = sourceHandle?.startsWith('out:') ? sourceHandle.slice(4) : null;
  const inField = targetHandle?.startsWith('in:') ? targetHandle.slice(3) : null;
  if (dst.type === 'dspy_chain' && outField && inField) {
    if (outField === inField) {
      useUi.getState().toast('info', `${dst.name} already reads ${inField} from the latest step that produces it`);
      return false;
    }
    const cfg = (dst.raw.dspy_config ?? {}) as Record<string, Json>;
    const links = Array.isArray(cfg.chain_steps) ? (cfg.chain_steps as Json[]) : [];
    const link = { signature: `${outField}_to_${inField}` };
    const ok = doc.applyEdit(`Link ${src.name} to ${dst.name}`, (t) =>
      links.length > 0 ? editor.moveListItem(editor.setStepField(t, dst.id, ['dspy_config', 'chain_steps', links.length], link), dst.id, ['dspy_config', 'chain_steps'], links.length, 0) : editor.setStepField(t, dst.id, ['dspy_config', 'chain_steps'], [link]),
    );
    report(ok, 'Linking');
    return ok;
  }
  if (!src.raw.name || typeof src.raw.name !== 'string') {
    useUi.getState().toast('error', 'Name the source step first: a previous_response part refers to a step by name');
    return false;
  }
  const already = Array.isArray(dst.raw.prompt) && (dst.raw.prompt as Record<string, unknown>[]).some((p) => p?.type === 'previous_response' && p.step === src.name);
  if (already) return false;
  const ok = doc.applyEdit(`Connect ${src.name} to ${dst.name}`, (t) => editor.addPreviousResponse(t, dst.id, src.name));
  report(ok, 'Connecting');
  return ok;
}

/** Removes the previous_response part an edge stands for. */
export function disconnect(source: string, target: string): boolean {
  const doc = useDocument.getState();
  const src = doc.view?.steps.find((s) => s.id === source);
  const dst = doc.view?.steps.find((s) => s.id === target);
  if (!src || !dst || !Array.isArray(dst.raw.prompt)) return false;
  const prompt = dst.raw.prompt as Record<string, unknown>[];
  const idx = prompt.findIndex((p) => p?.type === 'previous_response' && p.step === src.name);
  if (idx < 0) return false;
  return doc.applyEdit(`Disconnect ${src.name}`, (t) => editor.setStepField(t, dst.id, ['prompt', idx], undefined));
}
