import type { SignatureField, SignatureSpec } from '../../../shared/dspy/signature';
import { canonicalJson } from '../storage/hashing';
import { fieldSchema, schemaProblems } from '../../../shared/dspy/json-schema';
import { findNearDuplicates, type NearDuplicatePair } from './near-duplicates';
import type { LabelState, Source, Split } from './types';

/** What quality (and bias) scoring reads of an example or a version row. */
export interface QualityItem {
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelState: LabelState;
  rating: number | null;
  split: Split;
  source: Source;
  observedAt: string;
}

export const QUALITY_DIMENSIONS = ['completeness', 'consistency', 'accuracy', 'relevance', 'diversity', 'freshness', 'coverage', 'bias_score'] as const;
export type QualityDimension = (typeof QUALITY_DIMENSIONS)[number];

/** Per-example dimensions; the example's quality is their mean. */
export interface ExampleQuality {
  id: string;
  completeness: number;
  consistency: number;
  accuracy: number;
  relevance: number;
  freshness: number;
  /** 1 / size of the example's near-identical-inputs cluster (reported, not part of `score`). */
  diversity: number;
  score: number;
  usable: boolean;
  reasons: string[];
}

export interface DatasetQuality {
  examples: number;
  threshold: number;
  dimensions: Record<QualityDimension, number | null>;
  overall: number | null;
  usable: number;
  rejected: number;
  belowThreshold: number;
  conflicts: number;
  nearDuplicatePairs: NearDuplicatePair[];
  perExample: ExampleQuality[];
}

export interface QualityOptions {
  threshold?: number;
  now?: Date;
  halfLifeDays?: number;
  /** bias_score from the bias detector (1 - mean bias score); null when bias detection is off. */
  biasScore?: number | null;
}

const DAY_MS = 86_400_000;

/** Empty means: missing, null, blank string, empty list or empty object. */
export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function allFields(spec: SignatureSpec): { field: SignatureField; side: 'inputs' | 'outputs' }[] {
  return [...spec.input_fields.map((field) => ({ field, side: 'inputs' as const })), ...spec.output_fields.map((field) => ({ field, side: 'outputs' as const }))];
}

/** completeness = non-empty declared fields / declared fields. */
export function completeness(spec: SignatureSpec, item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
  const fields = allFields(spec);
  if (fields.length === 0) return 1;
  return fields.filter(({ field, side }) => !isEmptyValue(item[side][field.name])).length / fields.length;
}

/** type conformance = present declared fields whose value meets the field's type/schema / present declared fields. */
export function typeConformance(spec: SignatureSpec, item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
  const present = allFields(spec).filter(({ field, side }) => item[side][field.name] !== undefined && item[side][field.name] !== null);
  if (present.length === 0) return 1;
  return present.filter(({ field, side }) => schemaProblems(fieldSchema(field), item[side][field.name]).length === 0).length / present.length;
}

/** accuracy = mean of the label score (accepted/corrected 1, rejected 0; only when labeled) and (rating-1)/4 (only when rated); 0.5 when neither. */
export function accuracy(item: Pick<QualityItem, 'labelState' | 'rating'>): number {
  const parts: number[] = [];
  if (item.labelState === 'accepted' || item.labelState === 'corrected') parts.push(1);
  else if (item.labelState === 'rejected') parts.push(0);
  if (item.rating !== null && item.rating !== undefined) parts.push((item.rating - 1) / 4);
  return parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 0.5;
}

/** relevance = keys the signature declares / keys present (inputs and outputs together); 1 with no keys. */
export function relevance(spec: SignatureSpec, item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
  const inNames = new Set(spec.input_fields.map((f) => f.name));
  const outNames = new Set(spec.output_fields.map((f) => f.name));
  const keys = [...Object.keys(item.inputs).map((k) => inNames.has(k)), ...Object.keys(item.outputs).map((k) => outNames.has(k))];
  if (keys.length === 0) return 1;
  return keys.filter(Boolean).length / keys.length;
}

/** freshness = 0.5 ^ (age in days / half-life in days), age from observed_at (never negative). */
export function freshness(observedAt: string, now: Date, halfLifeDays: number): number {
  const age = Math.max(0, (now.getTime() - new Date(observedAt).getTime()) / DAY_MS);
  return Math.pow(0.5, age / halfLifeDays);
}

/**
 * coverage = mean over "finite domains" of (values seen / values possible): each declared field
 * with an `enum` (top-level of its schema) or of type boolean (2 values), and the splits
 * (non-empty splits / 3). With no enum or boolean field it is the split coverage alone.
 */
export function coverage(spec: SignatureSpec, items: readonly QualityItem[]): number | null {
  if (items.length === 0) return null;
  const parts: number[] = [];
  for (const { field, side } of allFields(spec)) {
    const schema = fieldSchema(field);
    let domain: unknown[] | undefined;
    if (Array.isArray(schema.enum)) domain = schema.enum as unknown[];
    else if (schema.type === 'boolean') domain = [true, false];
    if (!domain || domain.length === 0) continue;
    const keys = new Set(domain.map((d) => JSON.stringify(d)));
    const seen = new Set<string>();
    for (const it of items) {
      const k = JSON.stringify(it[side][field.name]);
      if (keys.has(k)) seen.add(k);
    }
    parts.push(seen.size / keys.size);
  }
  parts.push(new Set(items.map((i) => i.split)).size / 3);
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

/** canonicalJson, with JSON.stringify standing in when they agree (flat object of primitives, keys already sorted). */
function canonicalJsonOf(obj: Record<string, unknown>): string {
  let prev: string | undefined;
  for (const k in obj) {
    const v = obj[k];
    const t = typeof v;
    if (!(v === null || v === undefined || t === 'string' || t === 'boolean' || t === 'number') || (prev !== undefined && k < prev)) return canonicalJson(obj);
    prev = k;
  }
  return JSON.stringify(obj);
}

/**
 * completeness, typeConformance and relevance with the spec's fields, schemas and name sets derived
 * once (the same values as the exported functions).
 */
function compileSpec(spec: SignatureSpec) {
  const fields = allFields(spec).map(({ field, side }) => ({ name: field.name, side, schema: fieldSchema(field) }));
  const inNames = new Set(spec.input_fields.map((f) => f.name));
  const outNames = new Set(spec.output_fields.map((f) => f.name));
  return {
    completeness(item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
      if (fields.length === 0) return 1;
      let n = 0;
      for (const f of fields) if (!isEmptyValue(item[f.side][f.name])) n += 1;
      return n / fields.length;
    },
    typeConformance(item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
      let present = 0;
      let ok = 0;
      for (const f of fields) {
        const v = item[f.side][f.name];
        if (v === undefined || v === null) continue;
        present += 1;
        if (schemaProblems(f.schema, v).length === 0) ok += 1;
      }
      return present === 0 ? 1 : ok / present;
    },
    relevance(item: Pick<QualityItem, 'inputs' | 'outputs'>): number {
      let keys = 0;
      let declared = 0;
      for (const k of Object.keys(item.inputs)) {
        keys += 1;
        if (inNames.has(k)) declared += 1;
      }
      for (const k of Object.keys(item.outputs)) {
        keys += 1;
        if (outNames.has(k)) declared += 1;
      }
      return keys === 0 ? 1 : declared / keys;
    },
  };
}

/**
 * Scores every example and the dataset. Per example: completeness, consistency, accuracy,
 * relevance, freshness and their mean (`score`); an example is usable by an optimizer when
 * score >= threshold and it is not rejected. Per dataset: the means of those, plus diversity
 * (input clusters / examples), coverage, and bias_score (given by the bias detector).
 */
export function scoreQuality(spec: SignatureSpec, items: readonly QualityItem[], options: QualityOptions = {}): DatasetQuality {
  const threshold = options.threshold ?? 0.7;
  const now = options.now ?? new Date();
  const halfLife = options.halfLifeDays ?? 90;
  // conflicts: same inputs (canonical JSON), different outputs
  const byInputs = new Map<string, Set<string>>();
  const inputKeys = items.map((it) => canonicalJsonOf(it.inputs));
  items.forEach((it, i) => {
    const set = byInputs.get(inputKeys[i]) ?? new Set<string>();
    set.add(canonicalJsonOf(it.outputs));
    byInputs.set(inputKeys[i], set);
  });
  const dup = findNearDuplicates(items);
  const clusterSize = dup.inputClusters.map((c) => c.length);
  const scorer = compileSpec(spec);
  let conflicts = 0;
  const perExample: ExampleQuality[] = items.map((it, i) => {
    const conflict = (byInputs.get(inputKeys[i])?.size ?? 1) > 1;
    if (conflict) conflicts += 1;
    const c = scorer.completeness(it);
    const k = scorer.typeConformance(it) * (conflict ? 0.5 : 1);
    const a = accuracy(it);
    const r = scorer.relevance(it);
    const f = freshness(it.observedAt, now, halfLife);
    const score = (c + k + a + r + f) / 5;
    const reasons: string[] = [];
    if (it.labelState === 'rejected') reasons.push('rejected');
    if (score < threshold) reasons.push(`quality ${score.toFixed(3)} below threshold ${threshold}`);
    return {
      id: it.id,
      completeness: c,
      consistency: k,
      accuracy: a,
      relevance: r,
      freshness: f,
      diversity: 1 / clusterSize[dup.clusterOf[i]],
      score,
      usable: reasons.length === 0,
      reasons,
    };
  });
  const mean = (key: keyof ExampleQuality) => (perExample.length ? perExample.reduce((s, e) => s + (e[key] as number), 0) / perExample.length : null);
  const dimensions: Record<QualityDimension, number | null> = {
    completeness: mean('completeness'),
    consistency: mean('consistency'),
    accuracy: mean('accuracy'),
    relevance: mean('relevance'),
    diversity: items.length ? dup.inputClusters.length / items.length : null,
    freshness: mean('freshness'),
    coverage: coverage(spec, items),
    bias_score: options.biasScore ?? null,
  };
  const present = Object.values(dimensions).filter((v): v is number => v !== null);
  return {
    examples: items.length,
    threshold,
    dimensions,
    overall: present.length ? present.reduce((a, b) => a + b, 0) / present.length : null,
    usable: perExample.filter((e) => e.usable).length,
    rejected: items.filter((i) => i.labelState === 'rejected').length,
    belowThreshold: perExample.filter((e) => e.score < threshold).length,
    conflicts,
    nearDuplicatePairs: dup.pairs,
    perExample,
  };
}
