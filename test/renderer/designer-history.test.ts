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
let doc: Doc;
let ops: Ops;

beforeAll(async () => {
  Object.assign(globalThis, { localStorage: memoryStorage(), sessionStorage: memoryStorage() });
  doc = await import('../../renderer/stores/document');
  ops = await import('../../renderer/canvas/operations');
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
    expect(ops.moveIntoContainer('first', 'loop', { x: 24, y: 200 })).toBe(true);
    const moved = state().view?.steps.find((s) => s.id === 'first');
    expect(moved?.parentId).toBe('loop');
    expect(state().view?.steps.filter((s) => s.name === 'first')).toHaveLength(1);
    expect(state().positions.first).toEqual({ x: 24, y: 200 });
    state().undo();
    expect(state().text).toBe(WF);
    expect(state().positions.first).toEqual({ x: 10, y: 20 });
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
