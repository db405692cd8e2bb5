import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { repoRoot, runCli } from './run-cli';

const example = 'test/fixtures/workflows/dspy_code_analysis.yaml';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cli-'));

function writeTmp(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('pipeline-studio validate', () => {
  it('exits 0 on a valid workflow and prints the verdict and warnings with line:column', () => {
    const r = runCli(['validate', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${example}: valid`);
    expect(r.stdout).toMatch(/dspy_code_analysis\.yaml:\d+:\d+ warning .*security_analysis_to_summary/);
  });

  it('exits 1 when any file is invalid, with the JSON shape of the contract', () => {
    const bad = writeTmp('bad.yaml', 'workflow:\n  name: x\n  steps:\n    - name: a\n      type: claude\n');
    const r = runCli(['validate', example, bad, '--json']);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout);
    expect(reports.map((x: { verdict: string }) => x.verdict)).toEqual(['valid', 'invalid']);
    const err = reports[1].diagnostics.find((d: { severity: string }) => d.severity === 'error');
    expect(err).toMatchObject({ severity: 'error', line: 4 });
    expect(Object.keys(err).sort()).toEqual(['column', 'line', 'message', 'path', 'severity']);
  });

  it('reports not_a_workflow and yaml_error verdicts', () => {
    const notWf = writeTmp('config.yaml', 'name: x\nsteps: []\n');
    const broken = writeTmp('broken.yaml', 'workflow:\n  name: [unclosed\n');
    const reports = JSON.parse(runCli(['validate', notWf, broken, '--json']).stdout);
    expect(reports.map((x: { verdict: string }) => x.verdict)).toEqual(['not_a_workflow', 'yaml_error']);
  });

  it('exits 2 on usage errors: no files, unreadable file, unknown option', () => {
    expect(runCli(['validate']).code).toBe(2);
    const missing = runCli(['validate', path.join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml: ENOENT/);
    expect(runCli(['validate', example, '--bogus']).code).toBe(2);
  });

  it('checks a file\'s own plugins block: pool_size 0 is an error naming the path and range', () => {
    const file = writeTmp(
      'with-plugins.yaml',
      'plugins:\n  dspy_plugin:\n    module: Pipeline.Plugins.DSPyPlugin\n    config:\n      python_bridge:\n        pool_size: 0\nworkflow:\n  name: w\n  steps:\n    - name: s\n      type: claude\n      prompt:\n        - type: static\n          content: hi\n',
    );
    const [report] = JSON.parse(runCli(['validate', file, '--json']).stdout);
    expect(report.verdict).toBe('invalid');
    const err = report.diagnostics.find((d: { path: string }) => d.path.includes('pool_size'));
    expect(err.message).toMatch(/between 1 and 16/);
    expect(err.line).toBe(6);
  });

  it('exits quietly when the reader closes the pipe (| head)', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/pipeline-studio.js'), 'validate', '--json', ...Array<string>(300).fill(example)], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  }, 30_000);
});

describe('pipeline-studio plugins', () => {
  it('lists exactly the spec\'s registrations', () => {
    const r = runCli(['plugins', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.plugins).toHaveLength(1);
    const [dspy] = report.plugins;
    expect(dspy).toMatchObject({ name: 'dspy_plugin', state: 'active' });
    expect(dspy.registrations).toEqual({
      stepTypes: ['dspy_claude', 'dspy_gemini', 'dspy_chain', 'dspy_evaluation'],
      providers: [
        { name: 'dspy_claude', capabilities: ['dspy_optimization', 'claude_compatible'] },
        { name: 'dspy_gemini', capabilities: ['dspy_optimization', 'gemini_compatible'] },
      ],
      schemaExtensions: ['dspy', 'dspy_monitoring', 'dspy_training'],
    });
    expect(report.step_types.filter((s: { owner: string }) => s.owner === 'pipeline_ex')).toHaveLength(15);
  });
});

describe('pipeline-studio graph', () => {
  it('builds the spec example\'s graph: two nodes linked by the chain', () => {
    const r = runCli(['graph', example, '--json']);
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout);
    expect(graph.nodes.map((n: { id: string; type: string }) => [n.id, n.type])).toEqual([
      ['analyze_security', 'dspy_claude'],
      ['generate_report', 'dspy_chain'],
    ]);
    expect(graph.edges).toEqual([expect.objectContaining({ source: 'analyze_security', target: 'generate_report', kind: 'chain' })]);
  });

  it('exits 1 with the first error on a file that is not YAML', () => {
    const r = runCli(['graph', writeTmp('g.yaml', ': : :\n\t- [')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/yaml_error at \d+:\d+/);
  });
});
