import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// No host here: the documents are unsaved (no path), so nothing is written.
vi.mock('../../renderer/api/client', () => ({ studio: { call: vi.fn(async () => { throw new Error('no host in unit tests'); }) } }));

// The stores read localStorage/sessionStorage when they load; a Map-backed stand-in is enough here.
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return { get length() { return m.size; }, clear: () => m.clear(), getItem: (k) => m.get(k) ?? null, key: (i) => [...m.keys()][i] ?? null, removeItem: (k) => void m.delete(k), setItem: (k, v) => void m.set(k, String(v)) };
}

type Doc = typeof import('../../renderer/stores/document');
type Ops = typeof import('../../renderer/canvas/operations');
type LiveText = typeof import('../../renderer/canvas/live-text');
let doc: Doc;
let ops: Ops;
let lt: LiveText;

beforeAll(async () => {
  Object.assign(globalThis, { localStorage: memoryStorage(), sessionStorage: memoryStorage() });
  doc = await import('../../renderer/stores/document');
  ops = await import('../../renderer/canvas/operations');
  lt = await import('../../renderer/canvas/live-text');
});

const WF = `workflow:
  name: demo
  steps:
    - name: first
      type: claude
      prompt:
        - type: static
          content: "Hello there"
    - name: loop
      type: for_loop
      iterator: item
      data_source: "{{items}}"
      steps:
        - name: body
          type: claude
          prompt:
            - type: static
              content: "Work on {{loop.item}}"
`;

const state = () => doc.useDocument.getState();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  state().load({ path: null, fileName: 'demo.yaml', text: WF, layout: { version: 1, nodes: { first: { x: 10, y: 20 }, loop: { x: 400, y: 20 }, body: { x: 24, y: 72 } } } });
});

describe('one undo history for canvas and text', () => {
  it('undoes a text edit and a canvas edit in the order they were made', () => {
    const typed = WF.replace('Hello there', 'Hello world');
    state().setTextFromEditor(typed);
    expect(ops.setField('first', ['prompt', 0, 'content'], 'Changed')).toBe(true);
    expect(state().text).toContain('Changed');
    state().undo();
    expect(state().text).toBe(typed);
    state().undo();
    expect(state().text).toBe(WF);
    expect(state().past).toHaveLength(0);
    state().redo();
    state().redo();
    expect(state().text).toContain('Changed');
  });

  it('undoes and redoes while the text does not parse', async () => {
    const broken = WF.replace('  steps:\n    - name: first', '  steps:\n  - name: first\n    bad: [');
    state().setTextFromEditor(broken);
    await wait(40);
    expect(state().parseError).not.toBeNull();
    state().undo();
    expect(state().text).toBe(WF);
    expect(state().parseError).toBeNull();
    state().redo();
    expect(state().text).toBe(broken);
    expect(state().parseError).not.toBeNull();
    // The canvas keeps the last graph that parsed.
    expect(state().view?.steps.map((s) => s.id)).toContain('first');
  });

  it('keeps one entry per field edit: keystrokes merge until the field is left', () => {
    ops.setField('first', ['prompt', 0, 'content'], 'H', 'Edit', 'first|prompt.0.content');
    ops.setField('first', ['prompt', 0, 'content'], 'Hi', 'Edit', 'first|prompt.0.content');
    ops.setField('first', ['prompt', 0, 'content'], 'Hi!', 'Edit', 'first|prompt.0.content');
    expect(state().past).toHaveLength(1);
    state().endMerge();
    ops.setField('first', ['prompt', 0, 'content'], 'Hi!!', 'Edit', 'first|prompt.0.content');
    expect(state().past).toHaveLength(2);
    state().undo();
    expect(state().text).toContain('Hi!');
    state().undo();
    expect(state().text).toBe(WF);
  });
});

describe('undo keys in an inspector box', () => {
  const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; meta?: boolean } = {}) => ({ key: k, ctrlKey: !!mods.ctrl, metaKey: !!mods.meta, shiftKey: !!mods.shift, preventDefault: vi.fn(), currentTarget: null });

  it('maps Ctrl/Cmd+Z, Ctrl+Shift+Z and Ctrl+Y to the shared history, and nothing else', () => {
    expect(lt.historyAction(key('z', { ctrl: true }))).toBe('undo');
    expect(lt.historyAction(key('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(lt.historyAction(key('z', { meta: true }))).toBe('undo');
    expect(lt.historyAction(key('y', { ctrl: true }))).toBe('redo');
    expect(lt.historyAction(key('z'))).toBeNull();
    expect(lt.historyAction(key('a', { ctrl: true }))).toBeNull();
  });

  it('flushes the pending typing as one entry, then undoes it in the shared history', () => {
    state().setTextFromEditor(WF.replace('Hello there', 'Hello YAML'));
    const merge = 'first|prompt.0.content';
    ops.setField('first', ['prompt', 0, 'content'], 'Typed', 'Edit', merge);
    const e = key('z', { ctrl: true });
    // The box still holds text not yet committed (its debounce has not fired): the flush writes it first.
    expect(lt.routeHistoryKey(e, () => ops.setField('first', ['prompt', 0, 'content'], 'Typed more', 'Edit', merge))).toBe(true);
    expect(e.preventDefault).toHaveBeenCalled();
    // The whole field edit went at once; the YAML editor's change before it is still there.
    expect(state().text).toBe(WF.replace('Hello there', 'Hello YAML'));
    expect(lt.routeHistoryKey(key('z', { ctrl: true, shift: true }), () => undefined)).toBe(true);
    expect(state().text).toContain('Typed more');
    const plain = key('a');
    expect(lt.routeHistoryKey(plain, () => { throw new Error('no flush for other keys'); })).toBe(false);
    expect(plain.preventDefault).not.toHaveBeenCalled();
  });
});

describe('typing in the YAML editor', () => {
  it('runs into one entry until the typing jumps elsewhere in the text', () => {
    const at = WF.indexOf('Hello there') + 'Hello there'.length;
    const typed = (t: string, i: number, s: string) => t.slice(0, i) + s + t.slice(i);
    let t = typed(WF, at, '!');
    state().setTextFromEditor(t);
    t = typed(t, at + 1, '!');
    state().setTextFromEditor(t);
    t = t.slice(0, at + 1) + t.slice(at + 2); // backspace
    state().setTextFromEditor(t);
    expect(state().past).toHaveLength(1);
    t = `# top\n${t}`;
    state().setTextFromEditor(t);
    expect(state().past).toHaveLength(2);
    state().undo();
    expect(state().text).toBe(typed(WF, at, '!'));
    state().undo();
    expect(state().text).toBe(WF);
  });
});

describe('positions', () => {
  it('a step renamed in the YAML keeps its position', async () => {
    state().setTextFromEditor(WF.replace('name: first', 'name: greeting'));
    await wait(40);
    expect(state().view?.steps[0].id).toBe('greeting');
    expect(state().positions.greeting).toEqual({ x: 10, y: 20 });
    expect(state().positions.first).toBeUndefined();
  });

  it('carryPositions moves only positions whose step vanished from the same path', () => {
    const step = (id: string, path: string) => ({ id, path }) as never;
    expect(doc.carryPositions([step('a', 'steps[0]'), step('b', 'steps[1]')], [step('a2', 'steps[0]'), step('b', 'steps[1]')], { a: { x: 1, y: 2 }, b: { x: 3, y: 4 } })).toEqual({ a2: { x: 1, y: 2 }, b: { x: 3, y: 4 } });
    expect(doc.carryPositions([step('a', 'steps[0]')], [step('a', 'steps[0]')], { a: { x: 1, y: 2 } })).toBeNull();
  });
});

describe('steps and containers', () => {
  it('names new steps from their type and numbers them', () => {
    expect(ops.addStepOfType('claude')).toBe('claude_1');
    expect(ops.addStepOfType('claude')).toBe('claude_2');
    expect(ops.addStepOfType('dspy_claude')).toBe('dspy_claude_1');
  });

  it('drops a step into a container, at the given position', () => {
    expect(ops.addStepOfType('claude', { position: { x: 24, y: 200 }, container: 'loop' })).toBe('claude_1');
    const added = state().view?.steps.find((s) => s.id === 'claude_1');
    expect(added?.parentId).toBe('loop');
    expect(state().positions.claude_1).toEqual({ x: 24, y: 200 });
  });

  it('pastes a nested step back into its container', () => {
    ops.copySteps(['body']);
    ops.pasteSteps();
    const copy = state().view?.steps.find((s) => s.id === 'body_copy');
    expect(copy?.parentId).toBe('loop');
    expect(state().view?.steps.find((s) => s.id === 'loop')?.children).toEqual(['body', 'body_copy']);
  });

  it('moves a top-level step into a container as one undoable edit', () => {
    expect(ops.moveStepTo('first', 'loop', { x: 24, y: 200 })).toBe(true);
    const moved = state().view?.steps.find((s) => s.id === 'first');
    expect(moved?.parentId).toBe('loop');
    expect(state().view?.steps.filter((s) => s.name === 'first')).toHaveLength(1);
    expect(state().positions.first).toEqual({ x: 24, y: 200 });
    state().undo();
    expect(state().text).toBe(WF);
    expect(state().positions.first).toEqual({ x: 10, y: 20 });
  });

  it('moves a nested step out to the top level as one undoable edit, leaving its container valid', () => {
    expect(ops.moveStepTo('body', undefined, { x: 900, y: 300 })).toBe(true);
    const moved = state().view?.steps.find((s) => s.id === 'body');
    expect(moved?.parentId).toBeUndefined();
    expect(state().view?.steps.filter((s) => s.name === 'body')).toHaveLength(1);
    expect(state().view?.steps.find((s) => s.id === 'loop')?.children).toEqual([]);
    expect(state().text).toMatch(/steps: \[\]/);
    expect(state().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(state().positions.body).toEqual({ x: 900, y: 300 });
    expect(state().past).toHaveLength(1);
    state().undo();
    expect(state().text).toBe(WF);
    expect(state().positions.body).toEqual({ x: 24, y: 72 });
    // Already at the top level: nothing to move.
    expect(ops.moveStepTo('first', undefined, { x: 0, y: 0 })).toBe(false);
  });

  it('deleting a container\'s last step leaves an empty, valid list', () => {
    ops.deleteSteps(['body']);
    expect(state().text).toMatch(/steps: \[\]/);
    expect(state().parseError).toBeNull();
    expect(state().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(state().view?.steps.find((s) => s.id === 'loop')?.container).toBe(true);
    // And a step dropped into the emptied container lands there.
    ops.addStepOfType('claude', { position: { x: 24, y: 72 }, container: 'loop' });
    expect(state().view?.steps.find((s) => s.id === 'claude_1')?.parentId).toBe('loop');
  });
});
