import type { Db } from '../storage/database';
import type { AuditLog } from '../audit/audit-log';
import type { RunRecord, RunRepository, RunRecordInput } from './runs';
import type { SignatureRepository } from './signatures';
import type { TrainingDataSettings } from './settings';
import { prepareExample, type ExampleRepository } from './store';
import type { Redactor } from './redaction';

export const COLLECTION_FLAG = 'training_data_collection';

/** What decides collection: training_data.collection_enabled, the feature flags, the enabled sources, and the step's collect_training_data. */
export interface CollectionPolicy {
  collectionEnabled: boolean;
  featureFlags: readonly string[];
  sources: readonly string[];
  /** The step's dspy_config.collect_training_data (default true). */
  stepCollect?: boolean;
}

export type CollectionDecision = { collect: true } | { collect: false; reason: string };

/** Collected when collection_enabled AND the training_data_collection flag AND execution_history is a source AND the step allows it. */
export function collectionDecision(policy: CollectionPolicy): CollectionDecision {
  if (!policy.collectionEnabled) return { collect: false, reason: 'training_data.collection_enabled is false' };
  if (!policy.featureFlags.includes(COLLECTION_FLAG)) return { collect: false, reason: `feature flag ${COLLECTION_FLAG} is off` };
  if (!policy.sources.includes('execution_history')) return { collect: false, reason: 'execution_history is not in training_data.sources' };
  if (policy.stepCollect === false) return { collect: false, reason: "the step's collect_training_data is false" };
  return { collect: true };
}

export function policyFromSettings(s: TrainingDataSettings, overrides: Partial<CollectionPolicy> = {}): CollectionPolicy {
  return { collectionEnabled: s.collection_enabled, featureFlags: s.feature_flags, sources: s.sources, ...overrides };
}

export interface CollectResult {
  collected: boolean;
  reason?: string;
  run: RunRecord;
  exampleId?: string;
  duplicate?: boolean;
}

/**
 * Records a run (or takes one already recorded, by id) and, when the policy allows and the run
 * succeeded with outputs, stores it as an unlabeled execution_history example linked to the run.
 */
export function collectExecution(
  deps: { db: Db; audit: AuditLog; runs: RunRepository; signatures: SignatureRepository; examples: ExampleRepository; redactor: Redactor; maxFieldBytes: number },
  run: RunRecordInput | { runId: string },
  policy: CollectionPolicy,
): CollectResult {
  return deps.db
    .transaction((): CollectResult => {
      let record: RunRecord;
      if ('runId' in run) {
        const r = deps.runs.get(run.runId);
        if (!r) throw new Error(`no run record ${run.runId}`);
        record = r;
      } else {
        // inputs and outputs of the run record are redacted too: nothing unredacted is stored
        const red = deps.redactor.redact({ inputs: run.inputs, outputs: run.outputs ?? null });
        // A run named by its signature version alone belongs to the task that registered that version.
        const task = run.task ?? (run.signature_hash ? deps.signatures.resolve(run.signature_hash).name : null);
        record = deps.runs.record({ ...run, task, inputs: red.value.inputs, outputs: red.value.outputs });
      }
      const decision = collectionDecision(policy);
      if (!decision.collect) return { collected: false, reason: decision.reason, run: record };
      if (record.error) return { collected: false, reason: 'the run failed', run: record };
      if (!record.signatureHash || !record.task) return { collected: false, reason: 'the run has no task and signature version', run: record };
      if (!record.outputs) return { collected: false, reason: 'the run has no outputs', run: record };
      const sig = deps.signatures.version(record.task, record.signatureHash);
      const prepared = prepareExample(
        sig,
        { inputs: record.inputs, outputs: record.outputs, source: 'execution_history', observed_at: record.createdAt, run_id: record.id, metadata: { mode: record.mode, workflow: record.workflow, step: record.step } },
        { redactor: deps.redactor, now: new Date().toISOString(), maxFieldBytes: deps.maxFieldBytes },
      );
      if (!prepared.ok) return { collected: false, reason: `not a valid example: ${prepared.errors.join('; ')}`, run: record };
      const res = deps.examples.insertPrepared(sig, [prepared.example], { by: 'collector' });
      if (res.inserted === 0) return { collected: false, reason: 'an identical example is already stored', run: record, duplicate: true };
      deps.audit.append({ actor: 'collector', action: 'data.collect', target: res.ids[0], details: { run_id: record.id, task: sig.name, signature_hash: sig.hash, mode: record.mode } });
      return { collected: true, run: record, exampleId: res.ids[0] };
    })
    .immediate();
}
