import type { SignatureField, SignatureSpec } from '../../../shared/dspy/signature';
import { canonicalJson, sha1Hex } from '../storage/hashing';
import { fieldSchema, schemaProblems } from '../../../shared/dspy/json-schema';
import { NearDuplicateIndex, type NearDuplicatePair } from './near-duplicates';
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
  /** Stored near-duplicate LSH band keys of the inputs, when the row was read with them. */
  inputBands?: Uint8Array | null;
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
  /** null when the dataset's examples all share one timestamp (their age says nothing). */
  freshness: number | null;
  /** 1 / size of the example's near-identical-inputs cluster (reported, not part of `score`); null when not computed. */
  diversity: number | null;
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
  /** Why a dimension is null. */
  notMeasurable: Partial<Record<QualityDimension, string>>;
  /** Present when the figures come from a uniform sample of the dataset (see `Estimate`). */
  sample?: Estimate;
  /** Only when asked for. */
  perExample?: ExampleQuality[];
}

/**
 * How figures computed on a uniform sample of `size` of the dataset's `of` examples are shown: each
 * figure in `intervals` is the sample's value ± that half-width of a 95% normal confidence interval
 * (finite-population corrected); counts (usable, rejected, below threshold) are scaled to the dataset;
 * `withinSample` figures only see the sample (near-duplicates whose partner was not drawn are missed,
 * so diversity and coverage are bounds, without an interval); conflicts are counted on the whole dataset.
 */
export interface Estimate {
  size: number;
  of: number;
  confidence: 0.95;
  intervals: Partial<Record<QualityDimension | 'usable' | 'rejected' | 'belowThreshold', number>>;
  withinSample: string[];
}

/** Half-width of a 95% interval for a mean from n of N with this sample variance. */
export function meanInterval(variance: number, n: number, population: number): number {
  if (n < 2) return Infinity;
  return 1.96 * Math.sqrt((variance / n) * Math.max(0, (population - n) / (population - 1)));
}

export interface QualityOptions {
  threshold?: number;
  now?: Date;
  halfLifeDays?: number;
  /** bias_score from the bias detector (1 - mean bias score); null when bias detection is off. */
  biasScore?: number | null;
  /** The items are a uniform sample of a dataset this large: the report carries `sample`. */
  population?: number;
  /** Whether an item's inputs have other outputs in the whole dataset, with the dataset's count (a sample cannot tell). */
  conflicts?: { of: (it: QualityItem) => boolean; count: number };
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

/**
 * accuracy = mean of the label score (only when labeled: accepted/corrected 1 when the outputs meet
 * the signature, else 0; rejected 0) and (rating-1)/4 (only when rated); 0.5 when neither.
 */
export function accuracy(item: Pick<QualityItem, 'labelState' | 'rating'>, outputsMeetSchema = true): number {
  const parts: number[] = [];
  if (item.labelState === 'accepted' || item.labelState === 'corrected') parts.push(outputsMeetSchema ? 1 : 0);
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
  return freshnessAt(new Date(observedAt).getTime(), now, halfLifeDays);
}

function freshnessAt(observedMs: number, now: Date, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, (now.getTime() - observedMs) / DAY_MS) / halfLifeDays);
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

/** A 52-bit key of a value's canonical JSON (sha1 prefix): equal values, equal keys; a collision needs ~10^7 distinct values to become likely. */
function valueKey(obj: Record<string, unknown>): number {
  return parseInt(sha1Hex(canonicalJsonOf(obj)).slice(0, 13), 16);
}

/**
 * completeness, typeConformance, relevance and the outputs check of accuracy with the spec's
 * fields, schemas and name sets derived once (the same values as the exported functions).
 */
export function compileSpec(spec: SignatureSpec) {
  const fields = allFields(spec).map(({ field, side }) => ({ name: field.name, side, schema: fieldSchema(field) }));
  const outFields = fields.filter((f) => f.side === 'outputs');
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
    /** Every declared output present and meeting its schema. */
    outputsMeetSchema(item: Pick<QualityItem, 'outputs'>): boolean {
      for (const f of outFields) {
        const v = item.outputs[f.name];
        if (v === undefined || schemaProblems(f.schema, v).length > 0) return false;
      }
      return true;
    },
  };
}

export type CompiledSpec = ReturnType<typeof compileSpec>;

/** What scoring one example needs to know about the rest of its dataset. */
export interface ExampleContext {
  /** Another example has identical inputs and different outputs. */
  conflict: boolean;
  /** False when the dataset's examples all share one timestamp: their age says nothing then. */
  freshnessMeasurable: boolean;
  /** 1 / size of the example's near-identical-inputs cluster; null when not computed. */
  diversity: number | null;
  now: Date;
  halfLifeDays: number;
  threshold: number;
}

/** One example's scores from its parts; score = mean of the measurable per-example dimensions. */
function finishExample(id: string, rejected: boolean, c: number, typeOk: number, a: number, r: number, f: number | null, conflict: boolean, diversity: number | null, threshold: number): ExampleQuality {
  const k = typeOk * (conflict ? 0.5 : 1);
  const score = f === null ? (c + k + a + r) / 4 : (c + k + a + r + f) / 5;
  const reasons: string[] = [];
  if (rejected) reasons.push('rejected');
  if (score < threshold) reasons.push(`quality ${score.toFixed(3)} below threshold ${threshold}`);
  return { id, completeness: c, consistency: k, accuracy: a, relevance: r, freshness: f, diversity, score, usable: reasons.length === 0, reasons };
}

/** One example's quality given what the dataset says about it (used for a page of the table). */
export function scoreExample(scorer: CompiledSpec, item: QualityItem, ctx: ExampleContext): ExampleQuality {
  const f = ctx.freshnessMeasurable ? freshness(item.observedAt, ctx.now, ctx.halfLifeDays) : null;
  return finishExample(item.id, item.labelState === 'rejected', scorer.completeness(item), scorer.typeConformance(item), accuracyOf(scorer, item), scorer.relevance(item), f, ctx.conflict, ctx.diversity, ctx.threshold);
}

function accuracyOf(scorer: CompiledSpec, item: QualityItem): number {
  return accuracy(item, scorer.outputsMeetSchema(item));
}

/**
 * Quality of a dataset fed one example at a time: keeps a few numbers per example (typed where
 * possible) and the near-duplicate index's token ids, never the examples themselves.
 */
export class QualityAccumulator {
  private readonly scorer: CompiledSpec;
  private readonly threshold: number;
  private readonly now: Date;
  private readonly halfLife: number;
  private readonly keepPerExample: boolean;
  private readonly population?: number;
  private readonly conflicts?: QualityOptions['conflicts'];
  private readonly parts: { c: number[]; t: number[]; a: number[]; r: number[]; time: number[]; inKey: number[]; conflict: number[]; rejected: number[] } = { c: [], t: [], a: [], r: [], time: [], inKey: [], conflict: [], rejected: [] };
  private readonly ids: string[] = [];
  /** input key -> output key, NaN once two outputs were seen. */
  private readonly outputsOf = new Map<number, number>();
  private readonly dup = new NearDuplicateIndex();
  private readonly domains: { name: string; side: 'inputs' | 'outputs'; keys: Set<string>; seen: Set<string> }[] = [];
  private readonly splits = new Set<Split>();

  constructor(spec: SignatureSpec, options: QualityOptions & { perExample?: boolean } = {}) {
    this.scorer = compileSpec(spec);
    this.threshold = options.threshold ?? 0.7;
    this.now = options.now ?? new Date();
    this.halfLife = options.halfLifeDays ?? 90;
    this.keepPerExample = options.perExample ?? false;
    this.population = options.population;
    this.conflicts = options.conflicts;
    for (const { field, side } of allFields(spec)) {
      const domain = finiteDomain(field);
      if (domain && domain.length) this.domains.push({ name: field.name, side, keys: new Set(domain.map((d) => JSON.stringify(d))), seen: new Set() });
    }
  }

  add(it: QualityItem): void {
    const p = this.parts;
    p.c.push(this.scorer.completeness(it));
    p.t.push(this.scorer.typeConformance(it));
    p.a.push(accuracyOf(this.scorer, it));
    p.r.push(this.scorer.relevance(it));
    p.time.push(new Date(it.observedAt).getTime());
    p.rejected.push(it.labelState === 'rejected' ? 1 : 0);
    if (this.conflicts) p.conflict.push(this.conflicts.of(it) ? 1 : 0);
    else {
      const inKey = valueKey(it.inputs);
      const outKey = valueKey(it.outputs);
      p.inKey.push(inKey);
      const prev = this.outputsOf.get(inKey);
      if (prev === undefined) this.outputsOf.set(inKey, outKey);
      else if (prev !== outKey) this.outputsOf.set(inKey, NaN);
    }
    this.dup.add(it);
    for (const d of this.domains) {
      const k = JSON.stringify(it[d.side][d.name]);
      if (d.keys.has(k)) d.seen.add(k);
    }
    this.splits.add(it.split);
    if (this.keepPerExample) this.ids.push(it.id);
  }

  result(biasScore: number | null = null): DatasetQuality {
    const p = this.parts;
    const n = p.c.length;
    const dup = this.dup.result();
    let tMin = Infinity;
    let tMax = -Infinity;
    for (const t of p.time) {
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
    }
    const freshnessMeasurable = n < 2 || tMin !== tMax;
    const sums = { c: 0, k: 0, a: 0, r: 0, f: 0 };
    const squares = { c: 0, k: 0, a: 0, r: 0, f: 0 };
    let conflicts = 0;
    let usable = 0;
    let belowThreshold = 0;
    let rejected = 0;
    const perExample: ExampleQuality[] = [];
    for (let i = 0; i < n; i++) {
      const conflict = this.conflicts ? p.conflict[i] === 1 : Number.isNaN(this.outputsOf.get(p.inKey[i]));
      const f = freshnessMeasurable ? freshnessAt(p.time[i], this.now, this.halfLife) : null;
      const e = finishExample(this.ids[i] ?? '', p.rejected[i] === 1, p.c[i], p.t[i], p.a[i], p.r[i], f, conflict, 1 / dup.clusterSize[dup.clusterOf[i]], this.threshold);
      sums.c += e.completeness;
      sums.k += e.consistency;
      sums.a += e.accuracy;
      sums.r += e.relevance;
      sums.f += f ?? 0;
      squares.c += e.completeness ** 2;
      squares.k += e.consistency ** 2;
      squares.a += e.accuracy ** 2;
      squares.r += e.relevance ** 2;
      squares.f += (f ?? 0) ** 2;
      if (conflict) conflicts += 1;
      if (p.rejected[i] === 1) rejected += 1;
      if (e.score < this.threshold) belowThreshold += 1;
      if (e.usable) usable += 1;
      if (this.keepPerExample) perExample.push(e);
    }
    const mean = (s: number) => (n ? s / n : null);
    const coverageParts = this.domains.map((d) => d.seen.size / d.keys.size);
    coverageParts.push(this.splits.size / 3);
    const dimensions: Record<QualityDimension, number | null> = {
      completeness: mean(sums.c),
      consistency: mean(sums.k),
      accuracy: mean(sums.a),
      relevance: mean(sums.r),
      diversity: n ? dup.clusterCount / n : null,
      freshness: freshnessMeasurable ? mean(sums.f) : null,
      coverage: n ? coverageParts.reduce((a, b) => a + b, 0) / coverageParts.length : null,
      bias_score: biasScore,
    };
    const present = Object.values(dimensions).filter((v): v is number => v !== null);
    const N = this.population;
    const scale = (count: number) => (N === undefined || n === 0 ? count : Math.round((count / n) * N));
    let sample: Estimate | undefined;
    if (N !== undefined && n > 0) {
      const variance = (key: keyof typeof sums) => (n > 1 ? (squares[key] - sums[key] ** 2 / n) / (n - 1) : 0);
      const share = (count: number) => N * meanInterval((count / n) * (1 - count / n) * (n / Math.max(1, n - 1)), n, N);
      sample = {
        size: n,
        of: N,
        confidence: 0.95,
        intervals: {
          completeness: meanInterval(variance('c'), n, N),
          consistency: meanInterval(variance('k'), n, N),
          accuracy: meanInterval(variance('a'), n, N),
          relevance: meanInterval(variance('r'), n, N),
          ...(freshnessMeasurable ? { freshness: meanInterval(variance('f'), n, N) } : {}),
          usable: share(usable),
          rejected: share(rejected),
          belowThreshold: share(belowThreshold),
        },
        withinSample: ['diversity', 'coverage', 'nearDuplicatePairs'],
      };
    }
    return {
      examples: N ?? n,
      threshold: this.threshold,
      dimensions,
      notMeasurable: freshnessMeasurable ? {} : { freshness: 'all examples share one timestamp' },
      overall: present.length ? present.reduce((a, b) => a + b, 0) / present.length : null,
      usable: scale(usable),
      rejected: scale(rejected),
      belowThreshold: scale(belowThreshold),
      conflicts: this.conflicts ? this.conflicts.count : conflicts,
      nearDuplicatePairs: dup.pairs,
      ...(sample ? { sample } : {}),
      ...(this.keepPerExample ? { perExample } : {}),
    };
  }
}

/** The values of a field with a finite domain: a top-level `enum`, or the two booleans. */
function finiteDomain(field: SignatureField): unknown[] | undefined {
  const schema = fieldSchema(field);
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if (schema.type === 'boolean') return [true, false];
  return undefined;
}

/**
 * Scores every example and the dataset. Per example: completeness, consistency, accuracy,
 * relevance, freshness and their mean (`score`); an example is usable by an optimizer when
 * score >= threshold and it is not rejected. Per dataset: the means of those, plus diversity
 * (input clusters / examples), coverage, and bias_score (given by the bias detector).
 */
export function scoreQuality(spec: SignatureSpec, items: readonly QualityItem[], options: QualityOptions = {}): DatasetQuality & { perExample: ExampleQuality[] } {
  const acc = new QualityAccumulator(spec, { ...options, perExample: true });
  for (const it of items) acc.add(it);
  const q = acc.result(options.biasScore ?? null);
  return { ...q, perExample: q.perExample ?? [] };
}
