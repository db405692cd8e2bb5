/** Workflow validation, the canvas model and the source-splicing editor on generated and mutated workflows. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allStepTypes, collectSteps, validateWorkflowText, workflowToGraph, type ValidationResult } from '../../shared/index';
import { addStep, deleteStep, EditError, renameStep, setStepField } from '../../shared/yaml/editor';
import { layoutSidecarSchema } from '../../shared/graph/layout';
import { fuzz, nastyString } from './support';

const VERDICTS = new Set(['valid', 'invalid', 'not_a_workflow', 'yaml_error']);
const TYPES = allStepTypes.map((d) => d.type);
const NAMES = ['a', 'b', 'analyze', 'summary', 'x y', ''];
const SEEDS = readdirSync(path.join(import.meta.dirname, '../fixtures/workflows'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(path.join(import.meta.dirname, '../fixtures/workflows', f), 'utf8'));

/** Every diagnostic placed in the text, none from a validator bug; the canvas model builds. */
function checkResult(text: string, res: ValidationResult): void {
  expect(VERDICTS.has(res.verdict)).toBe(true);
  const lines = text.split('\n').length;
  for (const d of res.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toMatch(/^internal validator error/);
  }
  if (res.verdict === 'valid') expect(res.diagnostics.some((d) => d.severity === 'error')).toBe(false);
  const graph = workflowToGraph(res.model, res.diagnostics);
  if (res.model) expect(graph.nodes.length).toBe(collectSteps(res.model as Record<string, unknown>).length);
  const ids = new Set(graph.nodes.map((n) => n.id));
  expect(ids.size).toBe(graph.nodes.length);
}

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), nastyString(12));
const promptPart = fc.record(
  {
    type: fc.oneof(fc.constantFrom('static', 'file', 'previous_response', 'session_context', 'claude_continue'), scalar),
    content: fc.oneof(scalar, fc.constantFrom('{{steps.a.result}}', '{{ steps.ghost.x }}', '{{inputs.code}}')),
    step: fc.constantFrom(...NAMES),
    path: scalar,
  },
  { requiredKeys: ['type'] },
);
const step: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  step: fc.oneof(
    { weight: 8, arbitrary: fc.record(
      {
        name: fc.oneof(fc.constantFrom(...NAMES), scalar),
        type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TYPES) }, scalar),
        prompt: fc.oneof(fc.array(promptPart, { maxLength: 3 }), scalar),
        steps: fc.array(tie('step'), { maxLength: 2 }),
        condition: fc.oneof(scalar, fc.constantFrom('steps.a.result', 'not steps.b.ok')),
        dspy_signature: fc.oneof(scalar, fc.record({ input_fields: fc.array(fc.record({ name: scalar, type: scalar }), { maxLength: 2 }), output_fields: fc.array(fc.record({ name: scalar }), { maxLength: 2 }) })),
        dspy_config: fc.oneof(scalar, fc.dictionary(fc.constantFrom('optimization_enabled', 'signature', 'chain_steps', 'junk'), scalar)),
        [`extra`]: scalar,
      },
      { requiredKeys: [] },
    ) },
    { weight: 1, arbitrary: scalar },
  ),
})).step;
const workflowDoc = fc.record(
  {
    workflow: fc.oneof(
      { weight: 9, arbitrary: fc.record({ name: scalar, steps: fc.oneof({ weight: 5, arbitrary: fc.array(step, { maxLength: 5 }) }, scalar), dspy_config: scalar, gemini_functions: scalar }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: scalar },
    ),
    plugins: fc.oneof(scalar, fc.record({ dspy_plugin: fc.oneof(scalar, fc.record({ config: fc.dictionary(fc.string({ maxLength: 8 }), scalar) })) })),
    junk: scalar,
  },
  { requiredKeys: [] },
);

/** Line-level and character-level mutations of a seed file. */
const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat(3), nastyString(8)), { minLength: 1, maxLength: 4 }))
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, kind, s] of edits) {
      const i = at % (text.length + 1);
      if (kind === 0) text = text.slice(0, i) + s + text.slice(i);
      else if (kind === 1) text = text.slice(0, i) + text.slice(i + s.length + 1);
      else if (kind === 2) {
        const lines = text.split('\n');
        const j = at % lines.length;
        lines.splice(j, 0, lines[(j + s.length) % lines.length]);
        text = lines.join('\n');
      } else text = text.slice(0, i).replace(/ {2}$/, '') + text.slice(i);
    }
    return text;
  });

const TOKENS = ['workflow:', 'steps:', 'name: a', 'type: claude', '- ', '  ', '\n', '[', ']', '{', '}', ', ', ': ', '&x ', '*x', '<<: *x', '!!str ', '"', "'", '|', '>', '#', '---', '...', '? ', '%YAML 1.2\n', '\t'];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 300 }).map((t) => t.join(''));
const deepNesting = fc.tuple(fc.integer({ min: 50, max: 3000 }), fc.constantFrom('- ', '[', '{a: ', 'k:\n')).map(([n, open]) =>
  open === 'k:\n' ? `workflow:\n  steps:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(4 + i)}k:`).join('\n')} 1\n` : `workflow:\n  name: x\n  steps: ${open.repeat(n)}1\n`,
);

describe('fuzz: workflow validation and the canvas model', () => {
  it('generated workflows get a verdict and placed diagnostics; the graph builds', () => {
    fuzz('workflow.generated', workflowDoc, 2500, (doc) => {
      const text = stringify(doc);
      checkResult(text, validateWorkflowText(text, allStepTypes));
    });
  });

  it('mutated real workflows never break the validator', () => {
    fuzz('workflow.mutated', mutated, 2500, (text) => checkResult(text, validateWorkflowText(text, allStepTypes)));
  });

  it('token soup and deep nesting end in a diagnostic, not a crash', () => {
    fuzz('workflow.tokens', fc.oneof({ weight: 4, arbitrary: tokenSoup }, { weight: 1, arbitrary: deepNesting }), 2000, (text) => {
      checkResult(text, validateWorkflowText(text, allStepTypes));
    });
  });

  it('the editor returns text or an EditError, and valid YAML stays YAML', () => {
    const edit = fc.tuple(fc.oneof(workflowDoc.map((d) => stringify(d)), mutated), fc.nat(3), fc.constantFrom(...NAMES), fc.constantFrom(...NAMES, 'fresh'));
    fuzz('editor', edit, 1000, ([text, op, name, other]) => {
      const before = validateWorkflowText(text, allStepTypes);
      let out: string;
      try {
        out =
          op === 0 ? addStep(text, { name: other, type: 'claude', prompt: [{ type: 'static', content: 'x' }] })
          : op === 1 ? deleteStep(text, name)
          : op === 2 ? renameStep(text, name, other)
          : setStepField(text, name, 'model', other);
      } catch (e) {
        if (e instanceof EditError) return;
        throw e;
      }
      expect(typeof out).toBe('string');
      if (before.verdict !== 'yaml_error') expect(validateWorkflowText(out, allStepTypes).verdict).not.toBe('yaml_error');
    });
  });

  it('layout sidecars: any JSON parses or is refused by the schema', () => {
    const layout = fc.oneof(fc.jsonValue(), fc.record({ version: fc.oneof(fc.constant(1), fc.jsonValue()), nodes: fc.dictionary(fc.string(), fc.record({ x: fc.double(), y: fc.double() })) }, { requiredKeys: [] }));
    fuzz('layout', layout, 1000, (value) => {
      const r = layoutSidecarSchema.safeParse(value);
      expect(typeof r.success).toBe('boolean');
    });
  });
});
