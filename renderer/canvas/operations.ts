/** Domain actions on steps (each is one undoable history entry), used by canvas, inspector, palette and shortcuts. */
import { editor, type Json } from '../model/edits';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { defaultStep, uniqueName } from './step-defaults';
import { persistLayoutSoon } from '../workspace/actions';

function stepNames(): string[] {
  return useDocument.getState().view?.steps.map((s) => s.name) ?? [];
}

function report(ok: boolean, what: string) {
  if (!ok) useUi.getState().toast('error', `${what} failed: fix the YAML first`);
}

export function addStepOfType(type: string, position?: { x: number; y: number }): string | null {
  const doc = useDocument.getState();
  if (doc.parseError) {
    useUi.getState().toast('error', 'The YAML has errors: fix them before editing on the canvas');
    return null;
  }
  const name = uniqueName(type.replace(/^dspy_/, '') + '_step', stepNames());
  const ok = doc.applyEdit(`Add ${type}`, (t) => editor.addStep(t, defaultStep(type, name)), (s) => ({
    positions: position ? { ...s.positions, [name]: position } : s.positions,
    selection: [name],
  }));
  report(ok, 'Adding a step');
  if (ok) persistLayoutSoon();
  return ok ? name : null;
}

export function deleteSteps(ids: string[]): void {
  if (ids.length === 0) return;
  const doc = useDocument.getState();
  const names = ids.filter((id) => doc.view?.steps.some((s) => s.id === id));
  const ok = doc.applyEdit(`Delete ${names.length > 1 ? `${names.length} steps` : names[0]}`, (t) => names.reduce((acc, n) => editor.deleteStep(acc, n), t), (s) => {
    const positions = { ...s.positions };
    for (const n of names) delete positions[n];
    return { positions, selection: [] };
  });
  report(ok, 'Deleting');
  if (ok) persistLayoutSoon();
}

let clipboard: Record<string, Json>[] = [];

export function copySteps(ids: string[]): number {
  const steps = useDocument.getState().view?.steps.filter((s) => ids.includes(s.id)) ?? [];
  clipboard = steps.map((s) => structuredClone(s.raw) as Record<string, Json>);
  if (steps.length) useUi.getState().toast('info', `Copied ${steps.length} step${steps.length > 1 ? 's' : ''}`);
  return steps.length;
}

export function pasteSteps(): void {
  if (clipboard.length === 0) return;
  const doc = useDocument.getState();
  const taken = new Set(stepNames());
  const added: string[] = [];
  const bodies = clipboard.map((raw) => {
    const name = uniqueName(`${String(raw.name ?? 'step')}_copy`, taken);
    taken.add(name);
    added.push(name);
    return { ...raw, name };
  });
  const ok = doc.applyEdit(`Paste ${bodies.length} step${bodies.length > 1 ? 's' : ''}`, (t) => bodies.reduce((acc, b) => editor.addStep(acc, b), t), (s) => {
    const positions = { ...s.positions };
    clipboard.forEach((raw, i) => {
      const from = s.positions[String(raw.name)];
      if (from) positions[added[i]] = { x: from.x + 40, y: from.y + 60 };
    });
    return { positions, selection: added };
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

export function setField(step: string, path: (string | number)[], value: Json | undefined, label = `Edit ${step}`): boolean {
  return useDocument.getState().applyEdit(label, (t) => editor.setStepField(t, step, path, value));
}

export function setSignature(step: string, signature: Json | undefined): boolean {
  return useDocument.getState().applyEdit(`Edit signature of ${step}`, (t) => editor.setSignature(t, step, signature));
}

/**
 * Drawing an edge creates the reference the YAML needs: from a typed output to a dspy_chain's typed input,
 * a chain link `<output>_to_<input>` at the head of the chain (when the names differ); otherwise a
 * previous_response part in the target's prompt.
 */
export function connectSteps(source: string, target: string, sourceHandle?: string | null, targetHandle?: string | null): boolean {
  const doc = useDocument.getState();
  const view = doc.view;
  const src = view?.steps.find((s) => s.id === source);
  const dst = view?.steps.find((s) => s.id === target);
  if (!src || !dst || src.id === dst.id) return false;
  const outField = sourceHandle?.startsWith('out:') ? sourceHandle.slice(4) : null;
  const inField = targetHandle?.startsWith('in:') ? targetHandle.slice(3) : null;
  if (dst.type === 'dspy_chain' && outField && inField && outField !== inField) {
    const cfg = (dst.raw.dspy_config ?? {}) as Record<string, Json>;
    const links = Array.isArray(cfg.chain_steps) ? (cfg.chain_steps as Json[]) : [];
    const link = { signature: `${outField}_to_${inField}` };
    return doc.applyEdit(`Link ${src.name} to ${dst.name}`, (t) => editor.setStepField(t, dst.name, ['dspy_config', 'chain_steps'], [link, ...links]));
  }
  const already = Array.isArray(dst.raw.prompt) && (dst.raw.prompt as Record<string, unknown>[]).some((p) => p?.type === 'previous_response' && p.step === src.name);
  if (already) return false;
  return doc.applyEdit(`Connect ${src.name} to ${dst.name}`, (t) => editor.addPreviousResponse(t, dst.name, src.name));
}

/** Removes the previous_response part an edge stands for. */
export function disconnect(source: string, target: string): boolean {
  const doc = useDocument.getState();
  const dst = doc.view?.steps.find((s) => s.id === target);
  if (!dst || !Array.isArray(dst.raw.prompt)) return false;
  const prompt = dst.raw.prompt as Record<string, unknown>[];
  const idx = prompt.findIndex((p) => p?.type === 'previous_response' && p.step === source);
  if (idx < 0) return false;
  return doc.applyEdit(`Disconnect ${source}`, (t) => editor.setStepField(t, dst.name, ['prompt'], prompt.filter((_, i) => i !== idx) as Json));
}
