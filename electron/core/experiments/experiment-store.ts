import type { Db } from '../storage/database';
import { analyze, type ExperimentAnalysis } from './analysis';
import { createExperiment, recordOutcome, transitionExperiment, type Experiment, type ExperimentInput, type ExperimentStatus, type Outcome } from './experiment';

/** A live experiment runs on the executions of one task (its dataset); signatureHash is its version at creation. */
export type StoredExperiment = Experiment & { task?: string; signatureHash: string; createdAt: string; updatedAt: string };

/** Live A/B experiments and their outcomes in SQLite. */
export class ExperimentStore {
  constructor(private readonly db: Db) {}

  create(input: ExperimentInput & { task: string; signatureHash: string }): StoredExperiment {
    if (!/^[0-9a-f]{64}$/.test(input.signatureHash)) throw new Error('invalid experiment: signatureHash must be a 64-digit hex signature hash');
    if (this.get(input.id)) throw new Error(`an experiment named ${input.id} exists already`);
    const exp = createExperiment(input);
    const now = new Date().toISOString();
    const stored: StoredExperiment = { ...exp, task: input.task, signatureHash: input.signatureHash, createdAt: now, updatedAt: now };
    this.db.prepare('INSERT INTO experiments (id, state_json, created_at, updated_at) VALUES (?, ?, ?, ?)').run(exp.id, JSON.stringify(stored), now, now);
    return stored;
  }

  get(id: string): StoredExperiment | undefined {
    const r = this.db.prepare('SELECT state_json FROM experiments WHERE id = ?').get(id) as { state_json: string } | undefined;
    return r ? JSON.parse(r.state_json) : undefined;
  }

  list(): StoredExperiment[] {
    return (this.db.prepare('SELECT state_json FROM experiments ORDER BY created_at DESC').all() as { state_json: string }[]).map((r) => JSON.parse(r.state_json));
  }

  transition(id: string, to: ExperimentStatus): StoredExperiment {
    const exp = this.require(id);
    const next: StoredExperiment = { ...exp, ...transitionExperiment(exp, to), updatedAt: new Date().toISOString() };
    this.db.prepare('UPDATE experiments SET state_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(next), next.updatedAt, id);
    return next;
  }

  /** The running experiment on a task, if any (the newest when several); experiments made before tasks match by version. */
  runningFor(task: string, signatureHash: string): StoredExperiment | undefined {
    return this.list().find((e) => e.status === 'running' && (e.task === undefined ? e.signatureHash === signatureHash : e.task === task));
  }

  record(outcome: Outcome): void {
    const checked = recordOutcome(this.require(outcome.experimentId), outcome);
    this.db.prepare('INSERT INTO experiment_outcomes (experiment_id, outcome_json) VALUES (?, ?)').run(checked.experimentId, JSON.stringify(checked));
  }

  outcomes(id: string): Outcome[] {
    return (this.db.prepare('SELECT outcome_json FROM experiment_outcomes WHERE experiment_id = ? ORDER BY seq').all(id) as { outcome_json: string }[]).map((r) => JSON.parse(r.outcome_json));
  }

  analyze(id: string): ExperimentAnalysis {
    return analyze(this.require(id), this.outcomes(id));
  }

  private require(id: string): StoredExperiment {
    const exp = this.get(id);
    if (!exp) throw new Error(`no experiment ${id}`);
    return exp;
  }
}
