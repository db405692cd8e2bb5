import { textOf, tokens } from './text';

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

const SEEDS_A = Uint32Array.from({ length: PERMUTATIONS }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0);
const SEEDS_B = Uint32Array.from({ length: PERMUTATIONS }, (_, i) => Math.imul(i + 7, 0x85ebca6b) >>> 0);

/** Token sets as sorted arrays of interned token ids (one id per distinct token string). */
class TokenInterner {
  private readonly ids = new Map<string, number>();
  private hashList: number[] = [];

  set(value: unknown): Int32Array {
    const toks = tokens(textOf(value));
    const out = new Int32Array(toks.length);
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.hashList.length;
        this.ids.set(t, id);
        this.hashList.push(hashToken(t));
      }
      out[k] = id;
    }
    out.sort();
    // drop repeated ids (a token set, not a bag)
    let n = 0;
    for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[k - 1]) out[n++] = out[k];
    return n === out.length ? out : out.slice(0, n);
  }

  /** FNV-1a hash of each token, by id. */
  hashes(): Int32Array {
    return Int32Array.from(this.hashList, (h) => h | 0);
  }
}

/**
 * |A ∩ B| / |A ∪ B| of two sorted id arrays (two empty sets are identical: 1), the same value as
 * text.jaccard on the token sets when it is at least `atLeast`. Below that it may stop early and
 * return an upper bound that is itself below `atLeast`: the merge gives up as soon as the
 * misses already seen keep the best reachable intersection under the bar.
 */
function jaccardSorted(a: Int32Array, b: Int32Array, atLeast: number): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0 && lb === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  let maxInter = la < lb ? la : lb;
  while (i < la && j < lb) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      inter += 1;
      i += 1;
      j += 1;
      continue;
    }
    if (x < y) i += 1;
    else j += 1;
    // one element of a (or b) is outside the intersection: the best reachable intersection shrinks
    const reach = Math.min(inter + (la - i), inter + (lb - j));
    if (reach < maxInter) {
      maxInter = reach;
      const bound = maxInter / (la + lb - maxInter);
      if (bound < atLeast) return bound;
    }
  }
  return inter / (la + lb - inter);
}

// The same seeds as int32 bit patterns: the permutation runs in int32 arithmetic (wrapping like the
// uint32 formula (h * a + b) mod 2^32), and unsigned order is compared as signed order after flipping the top bit.
const SEEDS_A_I32 = Int32Array.from(SEEDS_A, (x) => x | 0);
const SEEDS_B_I32 = Int32Array.from(SEEDS_B, (x) => x | 0);

/** MinHash signature of a token-id set into `sig`: sig[p] = min over tokens of (h * A[p] + B[p]) mod 2^32. */
function minhash(ids: Int32Array, tokenHashes: Int32Array, hs: Int32Array, sig: Uint32Array): void {
  const m = ids.length;
  for (let t = 0; t < m; t++) hs[t] = tokenHashes[ids[t]];
  for (let p = 0; p < PERMUTATIONS; p++) {
    const a = SEEDS_A_I32[p];
    const b = SEEDS_B_I32[p];
    let min = 0x7fffffff; // 0xffffffff with the top bit flipped
    for (let t = 0; t < m; t++) {
      const v = ((Math.imul(hs[t], a) + b) | 0) ^ -0x80000000;
      if (v < min) min = v;
    }
    sig[p] = (min ^ -0x80000000) >>> 0;
  }
}

/**
 * Finds near-duplicates: MinHash (120 permutations, 20 bands of 6) with LSH banding over the input tokens
 * proposes candidate pairs; each candidate is confirmed with the exact token-set Jaccard of
 * inputs (>= 0.8) and of outputs (>= 0.8). Items with identical input token sets are grouped first.
 * Token sets are interned to sorted integer arrays; a candidate whose set sizes alone bound its
 * Jaccard below the threshold (min/max size) is dropped without the exact check (same result).
 * Pairs come out ordered by the items' positions.
 */
export function findNearDuplicates(items: readonly DuplicateItem[], thresholds = NEAR_DUPLICATE_THRESHOLDS): NearDuplicateReport {
  const n = items.length;
  const interner = new TokenInterner();
  const inSets = items.map((x) => interner.set(x.inputs));
  const outSets: (Int32Array | undefined)[] = new Array(n);
  const outSet = (i: number) => (outSets[i] ??= interner.set(items[i].outputs));
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const found: { a: number; b: number; inputSimilarity: number; outputSimilarity: number }[] = [];
  /** a < b; inSim known (1) for identical token sets. */
  const consider = (a: number, b: number, inSim?: number) => {
    let si = inSim;
    if (si === undefined) {
      const la = inSets[a].length;
      const lb = inSets[b].length;
      if (la !== lb && (la < lb ? la / lb : lb / la) < thresholds.inputs) return;
      si = jaccardSorted(inSets[a], inSets[b], thresholds.inputs);
    }
    if (si < thresholds.inputs) return;
    union(a, b);
    const so = jaccardSorted(outSet(a), outSet(b), thresholds.outputs);
    if (so >= thresholds.outputs) found.push({ a, b, inputSimilarity: si, outputSimilarity: so });
  };
  // identical input token sets: one representative each for LSH
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = inSets[i].join(',');
    const g = byKey.get(key);
    if (g) g.push(i);
    else byKey.set(key, [i]);
  }
  const reps: number[] = [];
  for (const group of byKey.values()) {
    reps.push(group[0]);
    for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length && y < x + 1 + MAX_BUCKET; y++) consider(group[x], group[y], 1);
    for (let y = 1; y < group.length; y++) union(group[0], group[y]);
  }
  // LSH: per band, a 32-bit mix of the band's rows is the bucket key (collisions only add candidates,
  // which are verified). Buckets are chains in insertion order (reps are in increasing item order,
  // so later members have larger indexes), kept in an open-addressing table of typed arrays.
  const nR = reps.length;
  const bandKeys = new Int32Array(nR * BANDS);
  const sig = new Uint32Array(PERMUTATIONS);
  const tokenHashes = interner.hashes();
  let longest = 0;
  for (const i of reps) longest = Math.max(longest, inSets[i].length);
  const hs = new Int32Array(longest);
  for (let r = 0; r < nR; r++) {
    minhash(inSets[reps[r]], tokenHashes, hs, sig);
    for (let b = 0; b < BANDS; b++) {
      let key = 0x9e3779b9;
      for (let k = 0; k < ROWS; k++) key = Math.imul(key ^ sig[b * ROWS + k], 0x85ebca6b) ^ (key >>> 13);
      bandKeys[r * BANDS + b] = key;
    }
  }
  /** next[b * nR + r]: the rep after r in r's bucket of band b, or -1. */
  const next = new Int32Array(nR * BANDS).fill(-1);
  let bits = 1;
  while (1 << bits < 2 * nR) bits += 1;
  const mask = (1 << bits) - 1;
  const slotKey = new Int32Array(mask + 1);
  const slotTail = new Int32Array(mask + 1);
  for (let b = 0; b < BANDS; b++) {
    slotTail.fill(-1);
    const base = b * nR;
    for (let r = 0; r < nR; r++) {
      const key = bandKeys[r * BANDS + b];
      let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
      while (slotTail[slot] !== -1 && slotKey[slot] !== key) slot = (slot + 1) & mask;
      if (slotTail[slot] !== -1) next[base + slotTail[slot]] = r;
      else slotKey[slot] = key;
      slotTail[slot] = r;
    }
  }
  // each member is compared with the next MAX_BUCKET members of each of its buckets, every pair once
  const mark = new Int32Array(n).fill(-1);
  for (let r = 0; r < nR; r++) {
    const i = reps[r];
    for (let b = 0; b < BANDS; b++) {
      const base = b * nR;
      let y = next[base + r];
      for (let k = 0; k < MAX_BUCKET && y !== -1; k++, y = next[base + y]) {
        const j = reps[y];
        if (mark[j] === i) continue;
        mark[j] = i;
        consider(i, j);
      }
    }
  }
  found.sort((p, q) => p.a - q.a || p.b - q.b);
  const pairs: NearDuplicatePair[] = found.map((p) => ({ a: items[p.a].id, b: items[p.b].id, inputSimilarity: p.inputSimilarity, outputSimilarity: p.outputSimilarity }));
  // cross-group pairs: members of two near-identical groups are near-duplicates of each other too
  const clusters = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const c = clusters.get(r);
    if (c) c.push(i);
    else clusters.set(r, [i]);
  }
  const inputClusters = [...clusters.values()];
  const clusterOf = new Array<number>(n);
  inputClusters.forEach((c, ci) => c.forEach((i) => (clusterOf[i] = ci)));
  return { pairs, inputClusters, clusterOf };
}
