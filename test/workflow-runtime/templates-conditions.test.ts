import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../electron/core/workflow-runtime/conditions';
import { buildPrompt, PromptError } from '../../electron/core/workflow-runtime/prompt-builder';
import { emptyScope, renderTemplates, renderValue } from '../../electron/core/workflow-runtime/run-scope';

const scope = {
  ...emptyScope({ code: 'x = 1' }, { project: 'demo' }),
  steps: { analyze: { score: 8, issues: ['sql', 'xss'], nested: { ok: true } }, raw: '{"a": {"b": 2}}', text: 'plain' },
  state: { count: 3 },
};

describe('templates', () => {
  it('renders steps, state, inputs and global_vars, keeping unresolved ones', () => {
    const r = renderTemplates('{{steps.analyze.result.score}} {{steps.raw.a.b}} {{state.count}} {{inputs.code}} {{global_vars.project}} {{steps.nope.x}} {{previous_response:text}}', scope);
    expect(r.text).toBe('8 2 3 x = 1 demo {{steps.nope.x}} plain');
    expect(r.unresolved).toEqual(['{{steps.nope.x}}']);
  });

  it('keeps the type of a value that is one template', () => {
    expect(renderValue('{{steps.analyze.issues}}', scope)).toEqual(['sql', 'xss']);
    expect(renderValue({ a: ['{{state.count}}'] }, scope)).toEqual({ a: [3] });
  });
});

describe('conditions', () => {
  it.each([
    ['analyze.score > 7', true],
    ['analyze.score >= 9', false],
    ['steps.analyze.result.nested.ok', true],
    ['analyze.issues contains "xss"', true],
    ["state.count == 3", true],
    ["state.count != '3'", false],
    ['missing.field', false],
  ])('%s is %s', (cond, expected) => {
    expect(evaluateCondition(cond, scope)).toBe(expected);
  });

  it('combines and/or/not maps and lists', () => {
    expect(evaluateCondition({ and: ['analyze.score > 7', { not: 'missing' }] }, scope)).toBe(true);
    expect(evaluateCondition({ or: ['missing', 'state.count < 2'] }, scope)).toBe(false);
    expect(evaluateCondition(['analyze.score > 1', 'state.count > 5'], scope)).toBe(false);
    expect(evaluateCondition(undefined, scope)).toBe(true);
  });
});

describe('prompt builder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prompt-'));
  writeFileSync(path.join(dir, 'spec.md'), 'FILE BODY');

  it('joins static, file, previous_response (with extract) and session parts', async () => {
    const sessions = new Map([['s1', ['one', 'two', 'three']]]);
    const text = await buildPrompt(
      [
        { type: 'static', content: 'Review {{inputs.code}}' },
        { type: 'file', path: 'spec.md' },
        { type: 'previous_response', step: 'analyze', extract: 'nested.ok' },
        { type: 'session_context', session_id: 's1', include_last_n: 2 },
        { type: 'claude_continue', session_id: 's1', new_prompt: 'go on' },
      ],
      scope,
      { baseDir: dir, sessions },
    );
    expect(text).toBe('Review x = 1\n\nFILE BODY\n\ntrue\n\ntwo\n\nthree\n\ngo on');
  });

  it('fails clearly on a missing file, a step without result, or a non-list prompt', async () => {
    await expect(buildPrompt([{ type: 'file', path: 'nope.md' }], scope, { baseDir: dir })).rejects.toThrow(/cannot read file .*nope\.md: ENOENT/);
    await expect(buildPrompt([{ type: 'previous_response', step: 'later' }], scope, { baseDir: dir })).rejects.toThrow(PromptError);
    await expect(buildPrompt('just text', scope, { baseDir: dir })).rejects.toThrow(/must be a list/);
  });
});
