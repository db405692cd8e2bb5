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
