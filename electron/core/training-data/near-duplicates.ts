import { jaccard, tokenSet } from './text';

/** Near-duplicate thresholds: token-set Jaccard of the inputs AND of the outputs at least these. */
export const NEAR_DUPLICATE_THRESHOLDS = { inputs: 0.8, outputs: 0.8 } as const;

const PERMUTATIONS = 120;
// 20 bands x 6 rows: a pair at Jaccard 0.8 becomes a candidate with p = 1-(1-0.8^6)^20 = 0.998,
// at 0.5 with p = 0.27, at 0.4 with p = 0.08 (so few dissimilar pairs reach the exact check).
const BANDS = 20;
const ROWS = PERMUTATIONS / BANDS;
/** Each item is compared with at most this many following members of one LSH bucket (bounds the work on skewed data). */
const MAX_BUCKET = 24;

export interface DuplicateItem {
  id: string;
  inputs: unknown;
  outputs: unknown;
}

export interface NearDuplicatePair {
  a: string;
  b: string;
  inputSimilarity: number;
  outputSimilarity: number;
}

export interface NearDuplicateReport {
  pairs: NearDuplicatePair[];
  /** Groups of examples whose inputs are near-identical (input Jaccard >= threshold), by item index. */
  inputClusters: number[][];
  /** Cluster index of each item. */
  clusterOf: number[];
}

function hashToken(t: string): number {
  // FNV-1a 32-bit
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) {
    h ^= t.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SEEDS_A = Array.from({ length: PERMUTATIONS }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0);
const SEEDS_B = Array.from({ length: PERMUTATIONS }, (_, i) => Math.imul(i + 7, 0x85ebca6b) >>> 0);

function minhash(set: ReadonlySet<string>): Uint32Array {
  const sig = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const t of set) {
    const h = hashToken(t);
    for (let p = 0; p < PERMUTATIONS; p++) {
      const v = (Math.imul(h, SEEDS_A[p]) + SEEDS_B[p]) >>> 0;
      if (v < sig[p]) sig[p] = v;
    }
  }
  return sig;
}

/**
 * Finds near-duplicates: MinHash (120 permutations, 20 bands of 6) with LSH banding over the input tokens
 * proposes candidate pairs; each candidate is confirmed with the exact token-set Jaccard of
 * inputs (>= 0.8) and of outputs (>= 0.8). Items with identical input token sets are grouped first.
 */
export function findNearDuplicates(items: readonly DuplicateItem[], thresholds = NEAR_DUPLICATE_THRESHOLDS): NearDuplicateReport {
  const inSets = items.map((x) => tokenSet(x.inputs));
  const outSets: (Set<string> | undefined)[] = new Array(items.length);
  const outSet = (i: number) => (outSets[i] ??= tokenSet(items[i].outputs));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const pairs: NearDuplicatePair[] = [];
  const seen = new Set<number>();
  const consider = (i: number, j: number, inSim?: number) => {
    const [a, b] = i < j ? [i, j] : [j, i];
    const key = a * items.length + b;
    if (seen.has(key)) return;
    seen.add(key);
    const si = inSim ?? jaccard(inSets[a], inSets[b]);
    if (si < thresholds.inputs) return;
    union(a, b);
    const so = jaccard(outSet(a), outSet(b));
    if (so >= thresholds.outputs) pairs.push({ a: items[a].id, b: items[b].id, inputSimilarity: si, outputSimilarity: so });
  };
  // identical input token sets: one representative each for LSH
  const byKey = new Map<string, number[]>();
  inSets.forEach((s, i) => {
    const key = [...s].sort().join('\u0001');
    const g = byKey.get(key);
    if (g) g.push(i);
    else byKey.set(key, [i]);
  });
  const reps: number[] = [];
  for (const group of byKey.values()) {
    reps.push(group[0]);
    for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length && y < x + 1 + MAX_BUCKET; y++) consider(group[x], group[y], 1);
    for (let y = 1; y < group.length; y++) union(group[0], group[y]);
  }
  // one Map per band, keyed by a 32-bit mix of the band's rows (collisions only add candidates, which are verified)
  const bands = Array.from({ length: BANDS }, () => new Map<number, number[]>());
  for (const i of reps) {
    const sig = minhash(inSets[i]);
    for (let b = 0; b < BANDS; b++) {
      let key = 0x9e3779b9;
      for (let r = 0; r < ROWS; r++) key = Math.imul(key ^ sig[b * ROWS + r], 0x85ebca6b) ^ (key >>> 13);
      const bucket = bands[b].get(key);
      if (bucket) bucket.push(i);
      else bands[b].set(key, [i]);
    }
  }
  const buckets = bands.flatMap((m) => [...m.values()]);
  for (const bucket of buckets) {
    if (bucket.length < 2) continue;
    for (let x = 0; x < bucket.length; x++) for (let y = x + 1; y < bucket.length && y < x + 1 + MAX_BUCKET; y++) consider(bucket[x], bucket[y]);
  }
  // cross-group pairs: members of two near-identical groups are near-duplicates of each other too
  const clusters = new Map<number, number[]>();
  items.forEach((_, i) => {
    const r = find(i);
    const c = clusters.get(r);
    if (c) c.push(i);
    else clusters.set(r, [i]);
  });
  const inputClusters = [...clusters.values()];
  const clusterOf = new Array<number>(items.length);
  inputClusters.forEach((c, ci) => c.forEach((i) => (clusterOf[i] = ci)));
  return { pairs, inputClusters, clusterOf };
}
