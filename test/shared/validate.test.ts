import { describe, expect, it } from 'vitest';
import { allStepTypes, dspyStepTypes, pipelineExStepTypes, validateWorkflowText, MAX_SOURCE_CHARS, type Diagnostic } from '../../shared/index';
import { readOwn } from './helpers';

const v = (t: string) => validateWorkflowText(t, allStepTypes);
const errors = (t: string) => v(t).diagnostics.filter((d) => d.severity === 'error');
const warnings = (t: string) => v(t).diagnostics.filter((d) => d.severity === 'warning');
const wf = (steps: string, extra = '') => `workflow:\n  name: w\n${extra}  steps:\n${steps}`;
const claude = (name: string, part = `        - type: static\n          content: hi\n`) => `    - name: ${name}\n      type: claude\n      prompt:\n${part}`;

describe('spec usage example', () => {
  it('validates with warnings only for the convention-named chain signatures', () => {
    const res = v(readOwn('dspy_code_analysis.yaml'));
    expect(res.verdict).toBe('valid');
    expect(res.diagnostics.filter((d) => d.severity !== 'info')).toEqual([
      expect.objectContaining({ severity: 'warning', path: 'workflow.steps[1].dspy_config.chain_steps[0].signature', line: 41, column: 24, message: expect.stringContaining('dspy_signatures') }),
      expect.objectContaining({ severity: 'warning', path: 'workflow.steps[1].dspy_config.chain_steps[1].signature', line: 42, column: 24 }),
    ]);
  });

  it('declared signatures give no warnings', () => {
    expect(v(readOwn('dspy_declared_signatures.yaml')).diagnostics).toEqual([]);
  });
});

describe('positions', () => {
  it('points at the offending node with 1-based line and column', () => {
    const text = wf(`${claude('a')}    - name: b\n      type: gemini\n      prompt: "just a string"\n    - name: c\n      type: nope\n`);
    const es = errors(text);
    expect(es).toEqual([
      expect.objectContaining({ path: 'workflow.steps[1].prompt', line: 11, column: 15 }),
      expect.objectContaining({ path: 'workflow.steps[2].type', line: 13, column: 13, message: expect.stringContaining('known types: claude, gemini') }),
    ]);
  });

  it('places unknown keys at the key', () => {
    const d = warnings(wf(claude('a'), '  flavour: mild\n'));
    expect(d).toEqual([expect.objectContaining({ path: 'workflow.flavour', line: 3, column: 3 })]);
  });

  it('places YAML syntax errors where they are', () => {
    const res = v('workflow:\n  name: w\n  steps: [\n');
    expect(res.verdict).toBe('yaml_error');
    expect(res.diagnostics[0].line).toBeGreaterThanOrEqual(3);
  });
});

describe('pipeline_ex rules', () => {
  const cases: [string, string, string][] = [
    ['no name', 'workflow:\n  steps:\n' + claude('a'), 'needs a name'],
    ['no steps', 'workflow:\n  name: w\n', 'steps'],
    ['empty steps', 'workflow:\n  name: w\n  steps: []\n', 'at least one step'],
    ['step without name', wf('    - type: claude\n      prompt: [{type: static, content: x}]\n'), 'needs a name'],
    ['step without type', wf('    - name: a\n'), 'needs a type'],
    ['prompt part without type', wf(claude('a', '        - content: x\n')), 'no type'],
    ['unknown part type', wf(claude('a', '        - type: image\n          url: x\n')), 'not one of'],
    ['static without content', wf(claude('a', '        - type: static\n')), "needs 'content'"],
    ['previous_response to nowhere', wf(claude('a', '        - type: previous_response\n          step: ghost\n')), "names no step: 'ghost'"],
    ['parallel_claude without tasks', wf('    - name: p\n      type: parallel_claude\n'), 'parallel_tasks'],
    ['claude_batch without prompt or tasks', wf('    - name: b\n      type: claude_batch\n'), "'prompt' or 'tasks'"],
    ['undefined gemini function', wf('    - name: g\n      type: gemini\n      functions: [f]\n      prompt: [{type: static, content: x}]\n'), ''],
  ];
  it.each(cases.filter((c) => c[2] !== ''))('%s is an error', (_n, text, msg) => {
    expect(v(text).verdict).toBe('invalid');
    expect(errors(text).map((d) => d.message).join('\n')).toContain(msg);
  });

  it('steps that need no prompt', () => {
    const text = wf(['set_variable', 'file_ops', 'data_transform'].map((t, i) => `    - name: s${i}\n      type: ${t}\n`).join('')
      + '    - name: loop\n      type: for_loop\n      iterator: x\n      data_source: "previous_response:s0"\n      steps:\n        - name: inner\n          type: set_variable\n');
    expect(errors(text)).toEqual([]);
  });

  it('nested steps are checked but only warned about, as pipeline_ex checks them at run time', () => {
    const text = wf('    - name: loop\n      type: while_loop\n      condition: "x"\n      steps:\n        - name: inner\n          type: claude\n');
    expect(v(text).verdict).toBe('valid');
    expect(warnings(text).map((d) => d.path)).toContain('workflow.steps[0].steps[0]');
  });

  it('an unregistered step type is an error that lists the registered ones', () => {
    const text = wf('    - name: d\n      type: dspy_claude\n      prompt: [{type: static, content: x}]\n');
    expect(validateWorkflowText(text, allStepTypes).verdict).toBe('valid');
    const res = validateWorkflowText(text, pipelineExStepTypes);
    expect(res.verdict).toBe('invalid');
    expect(res.diagnostics[0].message).toContain('known types: claude, gemini, parallel_claude');
    expect(res.diagnostics[0].message).not.toContain('dspy_chain');
  });
});

describe('warnings', () => {
  it('duplicate names, dangling templates, forward references and cycles', () => {
    const text = wf(
      claude('a', '        - type: static\n          content: "{{steps.b.result}} {{steps.ghost.result}}"\n')
      + claude('b', '        - type: previous_response\n          step: a\n')
      + claude('b'),
    );
    const msgs = warnings(text).map((d) => d.message);
    expect(v(text).verdict).toBe('valid');
    expect(msgs.some((m) => m.includes("'b' is used more than once"))).toBe(true);
    expect(msgs.some((m) => m.includes("'ghost' names no step"))).toBe(true);
    expect(msgs.some((m) => m.includes('runs later'))).toBe(true);
    expect(msgs.some((m) => m.includes('reference cycle: a -> b -> a'))).toBe(true);
  });

  it('type mismatches on fields pipeline_ex does not check are warnings', () => {
    const text = wf(claude('a') + '      claude_options:\n        max_turns: many\n');
    expect(v(text).verdict).toBe('valid');
    expect(warnings(text)[0]).toMatchObject({ path: 'workflow.steps[0].claude_options.max_turns', line: 10, column: 20 });
  });
});

describe('DSPy rules', () => {
  const dspy = (body: string, extra = '') => wf(`    - name: d\n${body}`, extra);
  const cases: [string, string, string][] = [
    ['no signature and no prompt', dspy('      type: dspy_claude\n'), 'needs a dspy_signature'],
    ['no output field', dspy('      type: dspy_gemini\n      dspy_signature:\n        input_fields: [{name: q, type: string}]\n        output_fields: []\n'), 'output_fields'],
    ['bad field name', dspy('      type: dspy_claude\n      dspy_signature:\n        input_fields: [{name: "my field", type: string}]\n        output_fields: [{name: a}]\n'), 'identifier'],
    ['duplicate field', dspy('      type: dspy_claude\n      dspy_signature:\n        input_fields: [{name: a}]\n        output_fields: [{name: a}]\n'), 'used twice'],
    ['bad field type', dspy('      type: dspy_claude\n      dspy_signature:\n        input_fields: [{name: a, type: text}]\n        output_fields: [{name: b}]\n'), 'dspy_signature.input_fields[0].type: Invalid option'],
    ['bad JSON schema', dspy('      type: dspy_claude\n      dspy_signature:\n        input_fields: [{name: a}]\n        output_fields: [{name: b, type: object, schema: {type: obj}}]\n'), 'schema: type must be one of'],
    ['chain without links', dspy('      type: dspy_chain\n'), 'chain_steps'],
    ['unresolvable chain link', dspy('      type: dspy_chain\n      dspy_config:\n        chain_steps: [{signature: summarize}]\n'), "'summarize' cannot be resolved"],
    ['evaluation_mode out of range', dspy('      type: dspy_chain\n      dspy_config:\n        evaluation_mode: grid\n        chain_steps: [{signature: a_to_b}]\n'), 'dspy_config.evaluation_mode'],
    ['negative max_wait_time', dspy('      type: dspy_claude\n      prompt: [{type: static, content: x}]\n      dspy_config: {max_wait_time: -1}\n'), 'max_wait_time'],
    ['evaluation of a missing step', dspy('      type: dspy_evaluation\n      target_step: ghost\n'), "target_step 'ghost'"],
    ['plugin pool_size 0', dspy('      type: dspy_claude\n      prompt: [{type: static, content: x}]\n').replace(/$/, 'plugins:\n  dspy_plugin:\n    config:\n      python_bridge: {pool_size: 0}\n'), 'python_bridge.pool_size: must be between 1 and 16 (got 0)'],
  ];
  it.each(cases)('%s is an error', (_n, text, msg) => {
    const es = errors(text);
    expect(es.map((d: Diagnostic) => `${d.path} ${d.message}`).join('\n')).toContain(msg);
  });

  it('removed keys (few_shot_examples, bootstrap_iterations) in older YAML are warnings; the workflow stays valid', () => {
    const text = dspy('      type: dspy_claude\n      prompt: [{type: static, content: x}]\n      dspy_config: {few_shot_examples: 4}\n', '  dspy_config: {bootstrap_iterations: 1}\n');
    expect(v(text).verdict).toBe('valid');
    const w = warnings(text).map((d) => d.message).join('\n');
    expect(w).toContain("dspy_config key 'few_shot_examples' is not a DSPy setting");
    expect(w).toContain("dspy_config key 'bootstrap_iterations' is not a DSPy setting");
  });

  it('a plugin config with the removed monitoring keys stays valid', () => {
    const text = dspy('      type: dspy_claude\n      prompt: [{type: static, content: x}]\n').replace(/$/, 'plugins:\n  dspy_plugin:\n    config:\n      monitoring: {metrics_collection: true, alerting: true, performance_comparison: false}\n');
    expect(v(text).verdict).toBe('valid');
    expect(errors(text)).toEqual([]);
  });

  it('a chain link that does not read what the previous one writes is a warning', () => {
    const text = dspy('      type: dspy_chain\n      dspy_config:\n        chain_steps: [{signature: a_to_b}, {signature: c_to_d}]\n');
    expect(v(text).verdict).toBe('valid');
    expect(warnings(text).map((d) => d.message).join('\n')).toContain('reads c, which the previous link does not produce');
  });

  it('the DSPy catalog has the 4 types and pipeline_ex the 15', () => {
    expect(dspyStepTypes.map((d) => d.type)).toEqual(['dspy_claude', 'dspy_gemini', 'dspy_chain', 'dspy_evaluation']);
    expect(pipelineExStepTypes).toHaveLength(15);
  });
});

describe('bad input never throws', () => {
  const cases: [string, string, string][] = [
    ['syntax error', 'workflow: [\n  a: b', 'yaml_error'],
    ['duplicate keys', 'workflow:\n  name: a\n  name: b\n  steps: []\n', 'yaml_error'],
    ['alias bomb', 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n', 'yaml_error'],
    ['binary garbage', '\u0000\u0001\u0002PK\u0003\u0004\uFFFD\uFFFD', 'yaml_error'],
    ['a scalar', 'just a sentence', 'not_a_workflow'],
    ['a list', '- a\n- b\n', 'not_a_workflow'],
    ['empty', '', 'not_a_workflow'],
    ['workflow is a scalar', 'workflow: 3\n', 'invalid'],
    ['two documents', 'workflow: {}\n---\nb: 1\n', 'yaml_error'],
  ];
  it.each(cases)('%s', (_n, text, verdict) => {
    const res = v(text);
    expect(res.verdict).toBe(verdict);
    expect(res.diagnostics.length).toBeGreaterThan(0);
    for (const d of res.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
  });

  it('refuses a 50 MB file', () => {
    const big = wf(claude('a')) + '#'.repeat(50 * 1024 * 1024);
    expect(big.length).toBeGreaterThan(MAX_SOURCE_CHARS);
    const res = v(big);
    expect(res.verdict).toBe('yaml_error');
    expect(res.diagnostics[0].message).toContain('too large');
  });
});
