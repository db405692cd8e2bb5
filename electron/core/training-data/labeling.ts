import { z } from 'zod';
import type { Db } from '../storage/database';
import type { AuditLog } from '../audit/audit-log';
import { outputProblems } from '../../../shared/dspy/json-schema';
import { labelNoteSchema } from '../../../shared/api/tuning';
import type { Redactor } from './redaction';
import type { SignatureRepository } from './signatures';
import { contentHashOf, type ExampleRepository } from './store';
import { JsonObject, type Example, type LabelState } from './types';

/** A person's feedback on one example. */
export const LabelInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), by: z.string().min(1).max(200), rating: z.number().int().min(1).max(5).optional() }),
  z.object({ action: z.literal('reject'), by: z.string().min(1).max(200), rating: z.number().int().min(1).max(5).optional(), reason: z.string().max(2000).optional(), note: labelNoteSchema.optional() }),
  z.object({ action: z.literal('correct'), by: z.string().min(1).max(200), outputs: JsonObject, rating: z.number().int().min(1).max(5).optional(), note: labelNoteSchema.optional() }),
  z.object({ action: z.literal('rate'), by: z.string().min(1).max(200), rating: z.number().int().min(1).max(5) }),
]);
export type LabelInput = z.input<typeof LabelInput>;

export class LabelRefusedError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Applies a label. accept and correct check the (new) outputs against the signature's schema
 * and are refused with the reasons when they fail; reject and rate are always allowed.
 * The label event (with provenance) and an audit entry commit together with the change.
 */
export function applyLabel(
  deps: { db: Db; audit: AuditLog; signatures: SignatureRepository; examples: ExampleRepository; redactor: Redactor },
  exampleId: string,
  input: LabelInput,
): Example {
  const parsed = LabelInput.safeParse(input);
  if (!parsed.success) throw new LabelRefusedError(`invalid label: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(label)'}: ${i.message}`).join('; ')}`);
  const label = parsed.data;
  return deps.db
    .transaction(() => {
      const ex = deps.examples.get(exampleId);
      if (!ex) throw new LabelRefusedError(`no example with id ${exampleId}`);
      // Labels are checked against the task's current signature, whatever version added the example.
      const sig = deps.signatures.task(ex.task)?.head ?? deps.signatures.version(ex.task, ex.signatureHash);
      let outputs = ex.outputs;
      let state: LabelState = ex.labelState;
      if (label.action === 'correct') outputs = deps.redactor.redact(label.outputs).value;
      if (label.action === 'accept' || label.action === 'correct') {
        const problems = outputProblems(sig.spec, outputs);
        if (problems.length) {
          throw new LabelRefusedError(`label ${label.action} refused: the outputs fail signature ${sig.name}'s schema: ${problems.join('; ')}`, problems);
        }
      }
      if (label.action === 'accept') state = 'accepted';
      if (label.action === 'reject') state = 'rejected';
      if (label.action === 'correct') state = 'corrected';
      const rating = label.rating ?? ex.rating;
      const now = new Date().toISOString();
      const contentHash = contentHashOf(ex.inputs, outputs);
      if (contentHash !== ex.contentHash) {
        const clash = deps.db.prepare<[string, string, string], { id: string }>('SELECT id FROM examples WHERE task = ? AND content_hash = ? AND id <> ?').get(ex.task, contentHash, ex.id);
        if (clash) throw new LabelRefusedError(`correction refused: it would make this example identical to example ${clash.id}`);
      }
      const labelChanged = label.action !== 'rate';
      const note = 'note' in label && label.note ? deps.redactor.redactString(label.note).value : null;
      deps.db
        .prepare(
          `UPDATE examples SET outputs_json = ?, content_hash = ?, label_state = ?, rating = ?,
             labeled_by = CASE WHEN ? THEN ? ELSE labeled_by END, labeled_at = CASE WHEN ? THEN ? ELSE labeled_at END, updated_at = ? WHERE id = ?`,
        )
        .run(JSON.stringify(outputs), contentHash, state, rating, labelChanged ? 1 : 0, label.by, labelChanged ? 1 : 0, now, now, ex.id);
      deps.db
        .prepare(
          `INSERT INTO label_events (example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at, note,
             previous_label_state, previous_rating, previous_labeled_by, previous_labeled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          ex.id,
          label.action,
          state,
          rating,
          label.action === 'correct' ? JSON.stringify(ex.outputs) : null,
          JSON.stringify(outputs),
          label.by,
          now,
          note,
          ex.labelState,
          ex.rating,
          ex.labeledBy,
          ex.labeledAt,
        );
      deps.audit.append({
        actor: label.by,
        action: 'data.label',
        target: ex.id,
        details: { label: label.action, state, rating, task: ex.task, ...(label.action === 'reject' && label.reason ? { reason: label.reason } : {}), ...(note ? { note } : {}) },
      });
      return deps.examples.get(ex.id)!;
    })
    .immediate();
}

interface UndoableEvent {
  id: number;
  action: string;
  previous_outputs_json: string | null;
  previous_label_state: LabelState | null;
  previous_rating: number | null;
  previous_labeled_by: string | null;
  previous_labeled_at: string | null;
}

/**
 * Undoes the example's latest label that is not already undone: the state, rating, outputs and
 * labeler it replaced come back. The undo is itself a label event (action undo, pointing at the
 * event it undoes) and an audit entry, committed together with the change.
 */
export function undoLabel(deps: { db: Db; audit: AuditLog; examples: ExampleRepository }, exampleId: string, by: string): Example {
  return deps.db
    .transaction(() => {
      const ex = deps.examples.get(exampleId);
      if (!ex) throw new LabelRefusedError(`no example with id ${exampleId}`);
      const last = deps.db
        .prepare<[string], UndoableEvent>(
          `SELECT id, action, previous_outputs_json, previous_label_state, previous_rating, previous_labeled_by, previous_labeled_at FROM label_events e
           WHERE example_id = ? AND action <> 'undo' AND NOT EXISTS (SELECT 1 FROM label_events u WHERE u.undoes = e.id) ORDER BY id DESC LIMIT 1`,
        )
        .get(ex.id);
      if (!last) throw new LabelRefusedError(`undo refused: example ${ex.id} has no label to undo`);
      if (last.previous_label_state === null) throw new LabelRefusedError(`undo refused: the last label of example ${ex.id} records no earlier state to go back to (it came with the data, or predates undo)`);
      const outputs = last.previous_outputs_json === null ? ex.outputs : (JSON.parse(last.previous_outputs_json) as Example['outputs']);
      const contentHash = contentHashOf(ex.inputs, outputs);
      if (contentHash !== ex.contentHash) {
        const clash = deps.db.prepare<[string, string, string], { id: string }>('SELECT id FROM examples WHERE task = ? AND content_hash = ? AND id <> ?').get(ex.task, contentHash, ex.id);
        if (clash) throw new LabelRefusedError(`undo refused: it would make this example identical to example ${clash.id}`);
      }
      const now = new Date().toISOString();
      const state = last.previous_label_state;
      deps.db
        .prepare('UPDATE examples SET outputs_json = ?, content_hash = ?, label_state = ?, rating = ?, labeled_by = ?, labeled_at = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(outputs), contentHash, state, last.previous_rating, last.previous_labeled_by, last.previous_labeled_at, now, ex.id);
      deps.db
        .prepare(
          `INSERT INTO label_events (example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at, undoes,
             previous_label_state, previous_rating, previous_labeled_by, previous_labeled_at) VALUES (?, 'undo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(ex.id, state, last.previous_rating, JSON.stringify(ex.outputs), JSON.stringify(outputs), by, now, last.id, ex.labelState, ex.rating, ex.labeledBy, ex.labeledAt);
      deps.audit.append({ actor: by, action: 'data.label', target: ex.id, details: { label: 'undo', undoes: last.action, state, rating: last.previous_rating, task: ex.task } });
      return deps.examples.get(ex.id)!;
    })
    .immediate();
}

export interface LabelEvent {
  id: number;
  exampleId: string;
  action: string;
  labelState: LabelState;
  rating: number | null;
  previousOutputs: unknown;
  outputs: unknown;
  by: string;
  at: string;
  note: string | null;
  /** For an undo: the id of the event it undoes. */
  undoes: number | null;
}

export function labelHistory(db: Db, exampleId: string): LabelEvent[] {
  return db
    .prepare<[string], any>('SELECT * FROM label_events WHERE example_id = ? ORDER BY id')
    .all(exampleId)
    .map((r) => ({
      id: r.id,
      exampleId: r.example_id,
      action: r.action,
      labelState: r.label_state,
      rating: r.rating,
      previousOutputs: r.previous_outputs_json ? JSON.parse(r.previous_outputs_json) : null,
      outputs: r.outputs_json ? JSON.parse(r.outputs_json) : null,
      by: r.by,
      at: r.at,
      note: r.note ?? null,
      undoes: r.undoes ?? null,
    }));
}

/** Each example's latest note (a later label without one keeps it; an undone label's note is gone), for the examples given. */
export function latestNotes(db: Db, exampleIds: readonly string[]): Map<string, string> {
  const notes = new Map<string, string>();
  const stmt = db.prepare<[string], { note: string }>(`SELECT note FROM label_events e WHERE example_id = ? AND note IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM label_events u WHERE u.undoes = e.id) ORDER BY id DESC LIMIT 1`);
  for (const id of exampleIds) {
    const row = stmt.get(id);
    if (row) notes.set(id, row.note);
  }
  return notes;
}
