import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainingData } from '../../electron/core/training-data/manager';
import { programForStep } from '../../electron/core/dspy-plugin/program-spec';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';
import { runCli } from './run-cli';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cli-engine-'));
  dirs.push(d);
  return d;
}

describe('pipeline-studio run and metrics', () => {
  it("runs the spec's dspy_code_analysis example with --mock, and metrics reports its executions and cache hit rate", () => {
    const dir = dataDir();
    const run = runCli(['--data-dir', dir, 'run', 'test/fixtures/workflows/dspy_code_analysis.yaml', '--input', 'code=eval(input())', '--mock', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.records.map((r: { step: string; status: string }) => [r.step, r.status])).toEqual([
      ['analyze_security', 'ok'],
      ['generate_report', 'ok'],
    ]);
    expect(result.outputs.analyze_security.security_analysis).toHaveProperty('risk_score');
    const metrics = JSON.parse(runCli(['--data-dir', dir, 'metrics', '--json']).stdout);
    expect(metrics.summary.executions).toBe(2);
    expect(metrics.summary.cache.lookups).toBe(2);
    expect(metrics.summary.cache.hitRate).toBe(0);
    expect(metrics.health.status).toMatch(/healthy|degraded/);
    // Each DSPy step's LM call stats, as its trace records them.
    expect(metrics.summary.bySteps.map((st: { step: string; adapterCalls: number }) => [st.step, st.adapterCalls])).toEqual(
      result.records.map((r: { step: string; lmStats: { adapterCalls: number } }) => [r.step, r.lmStats.adapterCalls]),
    );
    expect(runCli(['--data-dir', dir, 'metrics']).stdout).toMatch(/step [^\n]*\/analyze_security: 1 executions, parse failures \d+\.\d% of \d+ adapter calls, fallbacks to JSON \d+, retries/);
  });

  it('refuses --input without a value and a workflow with errors', () => {
    expect(runCli(['run', 'test/fixtures/workflows/toy_classify.yaml', '--input', 'novalue']).code).toBe(2);
    const dir = dataDir();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'workflow:\n  name: bad\n  steps:\n    - name: ask\n      type: claude\n      prompt: "not a list"\n');
    const bad = runCli(['--data-dir', dir, 'run', file, '--mock']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is invalid: .*prompt/);
  });
});

describe('pipeline-studio optimize, programs, compare, experiment', () => {
  const dir = dataDir();
  const wf = 'test/fixtures/workflows/toy_classify.yaml';

  it('estimates, refuses a run over budget, optimizes, exports the program and compares it with the baseline', () => {
    const td = TrainingData.open(dir);
    const { signature } = programForStep({ name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE }, {});
    td.registerSignature('classify', signature);
    td.addExamples('classify', toyDataset(160, 5).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })), 'tester');
    td.close();

    const est = runCli(['--data-dir', dir, 'optimize', wf, '--step', 'classify', '--mock', '--estimate-only', '--budget-calls', '3', '--json']);
    expect(est.code).toBe(1);
    expect(JSON.parse(est.stdout).budget.message).toMatch(/exceed the cap 3/);
    // The CLI estimates with the optimizer's shared defaults, and refuses a bad --param naming it.
    expect(JSON.parse(est.stdout).estimate.params).toEqual({ max_bootstrapped_demos: 4, max_labeled_demos: 4, max_rounds: 1, max_errors: null });
    const bad = runCli(['--data-dir', dir, 'optimize', wf, '--step', 'classify', '--mock', '--strategy', 'copro', '--param', 'breadth=1', '--estimate-only']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/params\.breadth: must be between 2 and 50 \(got 1\)/);

    const opt = runCli(['--data-dir', dir, 'optimize', wf, '--step', 'classify', '--mock', '--param', 'max_bootstrapped_demos=4', '--json']);
    expect(opt.code, opt.stderr).toBe(0);
    const job = JSON.parse(opt.stdout);
    expect(job).toMatchObject({ status: 'succeeded', strategy: 'bootstrap_few_shot', lm: 'simulated (offline demo)' });
    expect(job.result.optimizedScore).toBeGreaterThan(job.result.baselineScore);

    const list = JSON.parse(runCli(['--data-dir', dir, 'programs', 'list', '--json']).stdout);
    expect(list[0]).toMatchObject({ id: job.result.programVersion, status: 'promoted' });
    const out = path.join(dir, 'program.json');
    expect(runCli(['--data-dir', dir, 'programs', 'export', job.result.programVersion, '--out', out]).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')))).toContain('metadata');
    expect(existsSync(path.join(dir, 'program.py'))).toBe(true);

    const cmp = JSON.parse(runCli(['--data-dir', dir, 'compare', wf, '--step', 'classify', '--mock', '--json']).stdout);
    expect(cmp.arms.b.mean).toBeGreaterThan(cmp.arms.a.mean);
    expect(cmp.aggregate.pValue).toBeLessThan(0.05);
  });

  it('runs a live experiment from the CLI', () => {
    expect(runCli(['--data-dir', dir, 'experiment', 'create', 'e1', wf, '--step', 'classify', '--arm', 'control:traditional', '--arm', 'dspy:baseline_dspy', '--sample-size', '5']).code).toBe(0);
    expect(runCli(['--data-dir', dir, 'experiment', 'start', 'e1']).code).toBe(0);
    for (const text of ['apple pear', 'otter lynx', 'teal ochre', 'saw drill']) runCli(['--data-dir', dir, 'run', wf, '--input', `text=${text}`, '--mock']);
    const shown = JSON.parse(runCli(['--data-dir', dir, 'experiment', 'show', 'e1', '--json']).stdout);
    expect(shown.experiment.status).toBe('running');
    expect(shown.analysis.arms.reduce((s: number, a: { n: number }) => s + a.n, 0)).toBe(4);
    expect(runCli(['--data-dir', dir, 'experiment', 'start', 'e1']).code).toBe(1);
  });
});
