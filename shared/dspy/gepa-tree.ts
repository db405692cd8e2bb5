/**
 * GEPA's search as the runtime reports it (in progress notifications and in the optimize result):
 * every candidate scored on the dev set, its parent(s), the components its reflection changed, the
 * feedback the reflection LM read, and the Pareto frontier.
 */
import { z } from 'zod';

const text = z.string().max(2000);

export const gepaFeedbackSchema = z.object({
  component: z.string(),
  feedback: text,
  inputs: text,
  outputs: text,
});

export const gepaCandidateSchema = z.object({
  id: z.number().int().min(0),
  parents: z.array(z.number().int().min(0)),
  iteration: z.number().int().min(0),
  instructions: z.record(z.string(), z.string()),
  /** Mean dev score. */
  score: z.number(),
  /** Score per dev example, in dev-set order. */
  scores: z.array(z.number()),
  components: z.array(z.string()),
  feedback: z.array(gepaFeedbackSchema),
  merge: z.boolean(),
});

export const gepaTreeSchema = z.object({
  candidates: z.array(gepaCandidateSchema).max(1000),
  /** Candidates best on at least one dev example. */
  pareto_front: z.array(z.number().int().min(0)),
  /** The candidate GEPA returned (best mean dev score); null before the seed is scored. */
  best: z.number().int().min(0).nullable(),
  rejected_proposals: z.number().int().min(0),
});

export type GepaCandidate = z.infer<typeof gepaCandidateSchema>;
export type GepaTree = z.infer<typeof gepaTreeSchema>;

/** The tree when the runtime sent a well-formed one, else undefined (it is shown, never trusted). */
export function parseGepaTree(value: unknown): GepaTree | undefined {
  return value === undefined ? undefined : gepaTreeSchema.safeParse(value).data;
}

/** The labelers' notes quoted in a candidate's reflective feedback. */
export function quotedNotes(c: GepaCandidate): string[] {
  const marker = "Labeler's note: ";
  return [...new Set(c.feedback.flatMap((f) => (f.feedback.includes(marker) ? [f.feedback.slice(f.feedback.indexOf(marker) + marker.length).trim()] : [])))];
}

/** The candidates in tree order (each after its first parent, depth-first) with their depth. */
export function treeRows(tree: GepaTree): { candidate: GepaCandidate; depth: number }[] {
  const children = new Map<number, GepaCandidate[]>();
  const roots: GepaCandidate[] = [];
  const known = new Set(tree.candidates.map((c) => c.id));
  for (const c of tree.candidates) {
    const parent = c.parents.find((p) => known.has(p) && p !== c.id);
    if (parent === undefined) roots.push(c);
    else children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: { candidate: GepaCandidate; depth: number }[] = [];
  const stack = roots.reverse().map((candidate) => ({ candidate, depth: 0 }));
  while (stack.length) {
    const row = stack.pop()!;
    out.push(row);
    for (const child of [...(children.get(row.candidate.id) ?? [])].reverse()) stack.push({ candidate: child, depth: row.depth + 1 });
  }
  return out;
}

/** Dev examples (by index) where a candidate beats, or falls behind, another one. */
export function winsAndLosses(c: GepaCandidate, other: GepaCandidate | undefined): { wins: number[]; losses: number[] } {
  const wins: number[] = [];
  const losses: number[] = [];
  if (!other) return { wins, losses };
  c.scores.forEach((s, i) => {
    const o = other.scores[i];
    if (o === undefined) return;
    if (s > o) wins.push(i);
    else if (s < o) losses.push(i);
  });
  return { wins, losses };
}

/** Per candidate, the dev examples on which no candidate scores higher (the Pareto frontier's share). */
export function bestOn(tree: GepaTree): Map<number, number[]> {
  const n = Math.max(0, ...tree.candidates.map((c) => c.scores.length));
  const out = new Map<number, number[]>(tree.candidates.map((c) => [c.id, []]));
  for (let i = 0; i < n; i++) {
    const top = Math.max(...tree.candidates.map((c) => c.scores[i] ?? -Infinity));
    if (top <= 0) continue; // nobody solves it: no candidate is best there
    for (const c of tree.candidates) if (c.scores[i] === top) out.get(c.id)!.push(i);
  }
  return out;
}
