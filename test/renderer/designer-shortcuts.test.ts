import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../renderer/api/client', () => ({ studio: { call: vi.fn() } }));

let keyToCommand: typeof import('../../renderer/app/shortcuts').keyToCommand;
let allCommands: typeof import('../../renderer/app/commands').allCommands;
let saveAsName: typeof import('../../renderer/workspace/Dialogs').saveAsName;
let paletteItems: typeof import('../../renderer/command-palette/CommandPalette').paletteItems;
let useDocument: typeof import('../../renderer/stores/document').useDocument;
let copySteps: typeof import('../../renderer/canvas/operations').copySteps;

beforeAll(async () => {
  const store = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
  };
  Object.assign(globalThis, { localStorage: store(), sessionStorage: store() });
  ({ keyToCommand } = await import('../../renderer/app/shortcuts'));
  ({ allCommands } = await import('../../renderer/app/commands'));
  ({ saveAsName } = await import('../../renderer/workspace/Dialogs'));
  ({ paletteItems } = await import('../../renderer/command-palette/CommandPalette'));
  ({ useDocument } = await import('../../renderer/stores/document'));
  ({ copySteps } = await import('../../renderer/canvas/operations'));
});

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean; code?: string } = {}) => ({ key: k, ctrlKey: !!mods.ctrl, metaKey: false, shiftKey: !!mods.shift, altKey: !!mods.alt, code: mods.code });

describe('shortcuts', () => {
  it('opens the palette on Ctrl+Shift+P and on Ctrl+K, even while typing', () => {
    expect(keyToCommand(key('P', { ctrl: true, shift: true }), true)).toBe('palette');
    expect(keyToCommand(key('k', { ctrl: true }), true)).toBe('palette');
  });

  it('switches screens with Alt+1..7 while focus is in an input', () => {
    expect(keyToCommand(key('1', { alt: true }), true)).toBe('nav.design');
    expect(keyToCommand(key('¡', { alt: true, code: 'Digit2' }), true)).toBe('nav.data');
    expect(keyToCommand(key('7', { alt: true }), false)).toBe('nav.settings');
  });

  it('toggles word wrap with Alt+Z and leaves undo to the input being typed in', () => {
    expect(keyToCommand(key('z', { alt: true }), true)).toBe('view.wordWrap');
    expect(keyToCommand(key('z', { ctrl: true }), true)).toBeNull();
    expect(keyToCommand(key('z', { ctrl: true }), false)).toBe('edit.undo');
  });

  it('every shortcut-bearing screen and view command is in the palette list', () => {
    const ids = allCommands().map((c) => c.id);
    for (const id of ['nav.design', 'nav.data', 'nav.optimize', 'nav.compare', 'nav.experiments', 'nav.monitor', 'nav.settings', 'view.wordWrap', 'edit.undo', 'edit.redo', 'app.palette']) expect(ids).toContain(id);
    expect(allCommands().find((c) => c.id === 'nav.data')?.shortcut).toBe('Alt+2');
  });
});

describe('command palette', () => {
  it('lists commands that cannot run now, with the reason, and drops the reason once they can', () => {
    useDocument.getState().close();
    const undo = paletteItems(allCommands(), 'undo').find((i) => i.c.id === 'edit.undo');
    expect(undo?.reason).toBe('Nothing to undo');
    expect(paletteItems(allCommands(), 'save').find((i) => i.c.id === 'file.save')?.reason).toBe('Open a workflow first');
    expect(paletteItems(allCommands(), 'delete').find((i) => i.c.id === 'edit.delete')?.reason).toBe('Select a step on the canvas first');
    // Every command is listed for an empty query, available or not.
    expect(paletteItems(allCommands(), '').map((i) => i.c.id)).toEqual(expect.arrayContaining(allCommands().map((c) => c.id)));
    useDocument.getState().load({ path: null, fileName: 'a.yaml', text: 'workflow:\n  name: a\n  steps: []\n', layout: null });
    useDocument.getState().setTextFromEditor('workflow:\n  name: b\n  steps: []\n');
    expect(paletteItems(allCommands(), 'undo').find((i) => i.c.id === 'edit.undo')?.reason).toBeNull();
    expect(paletteItems(allCommands(), 'save').find((i) => i.c.id === 'file.save')?.reason).toBeNull();
  });

  it('offers Paste steps only once steps are copied', () => {
    useDocument.getState().load({ path: null, fileName: 'a.yaml', text: 'workflow:\n  name: a\n  steps:\n    - name: s\n      type: claude\n', layout: null });
    const paste = () => paletteItems(allCommands(), 'paste').find((i) => i.c.id === 'edit.paste')?.reason;
    expect(paste()).toMatch(/^Nothing copied/);
    expect(copySteps(['s'])).toBe(1);
    expect(paste()).toBeNull();
  });
});

describe('Save as', () => {
  it('suggests the workflow name as a file name, else the current file name', () => {
    expect(saveAsName('Support triage', 'blank.yaml')).toBe('support_triage.yaml');
    expect(saveAsName('untitled_workflow', 'blank.yaml')).toBe('untitled_workflow.yaml');
    expect(saveAsName('  ', 'blank.yaml')).toBe('blank.yaml');
    expect(saveAsName(undefined, 'blank.yaml')).toBe('blank.yaml');
    // 'workflow' is the view's stand-in for a workflow without a name.
    expect(saveAsName('workflow', 'blank.yaml')).toBe('blank.yaml');
  });
});
