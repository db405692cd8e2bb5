/** One front door: the CLI's promote, export and experiment actions go through the app's router, so they leave the same audit entries. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { createStudioService } from '../../electron/core/studio-service/service';
import { TrainingData } from '../../electron/core/training-data/manager';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';
import { runCli } from './run-cli';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A data dir whose classify dataset has two program versions (neither promoted). */
async function optimized(): Promise<{ dir: string; versions: string[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'front-door-'));
  dirs.push(dir);
  const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 }, plugins: { dspy_plugin: { config: { optimization: { auto_promote: false } } } } });
  try {
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(60, 2).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })));
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const versions: string[] = [];
    for (const demos of [2, 3]) {
      const job = await studio.engine.wait(studio.engine.submit({ signature: 'classify', program, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: demos, max_labeled_demos: demos }, lm: { provider: 'simulated', model: 'simulated/toy' } }).id);
      expect(job.status, job.error ?? '').toBe('succeeded');
      versions.push(job.result!.programVersion);
    }
    return { dir, versions };
  } finally {
    await studio.close();
  }
}

/** The audit entries after `seq`, as comparable shapes (the actor differs: the app's user vs the CLI's). */
function entriesSince(dir: string, seq: number) {
  const td = TrainingData.open(dir);
  try {
    return td.audit
      .list()
      .filter((e) => e.seq > seq)
      .map((e) => ({ action: e.action, details: Object.keys(e.details).sort() }));
  } finally {
    td.close();
  }
}
const lastSeq = (dir: string) => {
  const td = TrainingData.open(dir);
  try {
    return td.audit.list().at(-1)?.seq ?? 0;
  } finally {
    td.close();
  }
};

describe('one front door', () => {
  it('promote, rollback, export and experiments leave the same audit entries from the CLI as from the app', async () => {
    const app = await optimized();
    const cli = await optimized();
    const arms = [
      { id: 'base', kind: 'baseline_dspy' as const, weight: 1 },
      { id: 'trad', kind: 'traditional' as const, weight: 1 },
    ];

    const appStart = lastSeq(app.dir);
    const svc = createStudioService({ dataDir: app.dir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 } } });
    try {
      await svc.call('optimize.promote', { versionId: app.versions[0] });
      await svc.call('optimize.rollback', { signature: 'classify' });
      await svc.call('optimize.export', { versionId: app.versions[0], kind: 'json', path: path.join(app.dir, 'out', 'p.json') });
      await svc.call('optimize.export', { versionId: app.versions[0], kind: 'python', path: path.join(app.dir, 'out', 'p.py') });
      await svc.call('experiments.create', { id: 'ab', name: 'ab', signature: 'classify', arms, targetSampleSize: 10 });
      await svc.call('experiments.transition', { id: 'ab', to: 'running' });
    } finally {
      await svc.close();
    }

    const cliStart = lastSeq(cli.dir);
    const run = (...args: string[]) => {
      const r = runCli(['--data-dir', cli.dir, ...args]);
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    run('programs', 'promote', cli.versions[0]);
    run('programs', 'rollback', 'classify');
    run('programs', 'export', cli.versions[0], '--out', path.join(cli.dir, 'out', 'p.json'));
    run('experiment', 'create', 'ab', 'test/fixtures/workflows/toy_classify.yaml', '--step', 'classify', '--arm', 'base:baseline_dspy', '--arm', 'trad:traditional', '--sample-size', '10');
    run('experiment', 'start', 'ab');

    const fromApp = entriesSince(app.dir, appStart);
    // The CLI turns experiments on when starting one (audited as a config change): the app offers the same in Experiments.
    const fromCli = entriesSince(cli.dir, cliStart).filter((e) => e.action !== 'config.change');
    expect(fromApp.map((e) => e.action)).toEqual(['program.promote', 'program.rollback', 'program.export', 'program.export', 'experiment.create', 'experiment.transition']);
    expect(fromCli).toEqual(fromApp);
    const unknown = runCli(['--data-dir', cli.dir, 'programs', 'promote', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no program version nope/);
  }, 180_000);
});
