import type { SignatureSpec } from '../../../shared/dspy/signature';
import { describeChanges, fieldChanges, isSchemaChange } from '../../../shared/dspy/signature-history';
import type { StoredProgramVersion } from '../optimization/job-store';
import type { StaleChoice } from '../training-data/signatures';
import { programShape, type StepProgram } from './program-spec';

export interface PromotedStatus {
  /** Whether the step runs the promoted program. */
  use: boolean;
  /** Why the program is stale and what was done about it; undefined when it is current. */
  stale?: string;
  /** The program was optimized for other fields: it cannot run on the step's inputs. */
  fieldsChanged: boolean;
}

/**
 * What a step does with its task's promoted program. A program optimized for another signature
 * version or program shape is stale: it keeps running (as optimized) until the user chooses the
 * baseline, unless its fields differ from the step's, where only the baseline can run. Every case
 * says so in the run's reason; nothing switches silently.
 */
export function promotedStatus(version: StoredProgramVersion, optimizedFor: SignatureSpec, step: StepProgram, choice: StaleChoice | null): PromotedStatus {
  const shape = programShape(step.program);
  const wasShape = programShape(version.programSpec as never);
  if (version.signatureHash === step.signatureHash && shape === wasShape) return { use: true, fieldsChanged: false };
  const id = version.id.slice(0, 8);
  const changes = fieldChanges(optimizedFor, step.signature);
  if (isSchemaChange(changes)) {
    return { use: false, fieldsChanged: true, stale: `stale program ${id}: optimized for other fields (${describeChanges(changes)}), so the baseline ran; re-optimize, or roll back` };
  }
  const what = [version.signatureHash !== step.signatureHash ? 'the signature\'s wording' : '', shape !== wasShape ? `the program shape (${wasShape} -> ${shape})` : ''].filter(Boolean).join(' and ');
  const base = `stale program ${id}: ${what} changed since it was optimized`;
  if (choice === 'baseline') return { use: false, fieldsChanged: false, stale: `${base}; set aside by choice, so the baseline ran` };
  return { use: true, fieldsChanged: false, stale: choice === 'keep' ? `${base}; kept by choice` : `${base}; keep it, re-optimize or fall back to the baseline in Optimize` };
}
