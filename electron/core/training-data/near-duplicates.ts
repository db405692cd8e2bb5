import { textOf, TokenBuffer, tokens } from './text';

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
  /** The inputs' LSH band keys as stored at insert (inputBandKeys); computed here when absent. */
  inputBands?: Uint8Array | null;
}

/** Bytes of a stored band-key signature: BANDS int32 keys, little-endian. */
export const BAND_BYTES = 4 * BANDS;

export interface NearDuplicatePair {
  a: string;
  b: string;
  inputSimilarity: number;
  outputSimilarity: number;
}

export interface NearDuplicateReport {
  pairs: NearDuplicatePair[];
  /** Cluster of each item (0..clusterCount-1): near-identical inputs (input Jaccard >= threshold), joined transitively. */
  clusterOf: Int32Array;
  clusterCount: number;
  /** Size of each cluster, by cluster. */
  clusterSize: Int32Array;
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

  /** Appends the value's token set to `buf` as sorted, distinct ids (written in place: no array per value). */
  add(value: unknown, buf: TokenBuffer): void {
    const toks = tokens(textOf(value));
    const at = buf.reserve(toks.length);
    const d = buf.data;
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.hashList.length;
        this.ids.set(t, id);
        this.hashList.push(hashToken(t));
      }
      // insertion sort as the ids arrive (token lists are short)
      let j = at + k;
      while (j > at && d[j - 1] > id) {
        d[j] = d[j - 1];
        j -= 1;
      }
      d[j] = id;
    }
    // drop repeated ids (a token set, not a bag)
    let n = 0;
    for (let k = 0; k < toks.length; k++) if (k === 0 || d[at + k] !== d[at + k - 1]) d[at + n++] = d[at + k];
    buf.commit(n);
  }

  /** FNV-1a hash of each token, by id. */
  hashes(): Int32Array {
    return Int32Array.from(this.hashList, (h) => h | 0);
  }
}

/** 32-bit hash of the id set d[from..to) (groups identical sets; equality is checked). */
function hashIds(d: Int32Array, from: number, to: number): number {
  let h = 0x811c9dc5 ^ (to - from);
  for (let k = from; k < to; k++) h = Math.imul(h ^ d[k], 0x01000193);
  return h >>> 0;
}

function sameIds(d: Int32Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let k = 0; k < aEnd - a; k++) if (d[a + k] !== d[b + k]) return false;
  return true;
}

/**
 * |A ∩ B| / |A ∪ B| of two sorted id ranges d[a0..a1) and d[b0..b1) (two empty sets are identical: 1), the same value as
 * text.jaccard on the token sets when it is at least `atLeast`. Below that it may stop early and
 * return an upper bound that is itself below `atLeast`: the merge gives up as soon as the
 * misses already seen keep the best reachable intersection under the bar.
 */
function jaccardSorted(d: Int32Array, a0: number, a1: number, b0: number, b1: number, atLeast: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  if (la === 0 && lb === 0) return 1;
  let i = a0;
  let j = b0;
  let inter = 0;
  let maxInter = la < lb ? la : lb;
  while (i < a1 && j < b1) {
    const x = d[i];
    const y = d[j];
    if (x === y) {
      inter += 1;
      i += 1;
      j += 1;
      continue;
    }
    if (x < y) i += 1;
    else j += 1;
    // one element of a (or b) is outside the intersection: the best reachable intersection shrinks
    const reach = Math.min(inter + (a1 - i), inter + (b1 - j));
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

/** MinHash signature (permutations from..to-1) of the token hashes hs[0..m) into `sig`: sig[p] = min over tokens of (h * A[p] + B[p]) mod 2^32. */
function minhash(hs: Int32Array, m: number, sig: Uint32Array, from = 0, to = PERMUTATIONS): void {
  for (let p = from; p < to; p++) {
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

/** Band b's bucket key: a 32-bit mix of its rows of the signature. */
function bandKey(sig: Uint32Array, b: number): number {
  let key = 0x9e3779b9;
  for (let k = 0; k < ROWS; k++) key = Math.imul(key ^ sig[b * ROWS + k], 0x85ebca6b) ^ (key >>> 13);
  return key;
}

/**
 * The LSH band keys of a value's token set (what the report would compute for it), stored with each
 * example when it is written so a report reads them instead of hashing every example again.
 */
export function inputBandKeys(inputs: unknown): Buffer {
  const toks = tokens(textOf(inputs));
  if (scratchHashes.length < toks.length) scratchHashes = new Int32Array(2 * toks.length);
  // repeated tokens hash alike and cannot change a minimum: no need to drop them
  for (let t = 0; t < toks.length; t++) scratchHashes[t] = hashToken(toks[t]) | 0;
  minhash(scratchHashes, toks.length, scratchSig);
  const out = Buffer.allocUnsafe(BAND_BYTES);
  for (let b = 0; b < BANDS; b++) out.writeInt32LE(bandKey(scratchSig, b), 4 * b);
  return out;
}
let scratchHashes = new Int32Array(64);
const scratchSig = new Uint32Array(PERMUTATIONS);

/**
 * Finds near-duplicates: MinHash (120 permutations, 20 bands of 6) with LSH banding over the input tokens
 * proposes candidate pairs; each candidate is confirmed with the exact token-set Jaccard of
 * inputs (>= 0.8) and of outputs (>= 0.8). Items with identical input token sets are grouped first.
 * Token sets are interned to sorted integer arrays; a candidate whose set sizes alone bound its
 * Jaccard below the threshold (min/max size) is dropped without the exact check (same result).
 * Pairs come out ordered by the items' positions.
 */
export function findNearDuplicates(items: readonly DuplicateItem[], thresholds = NEAR_DUPLICATE_THRESHOLDS): NearDuplicateReport {
  const index = new NearDuplicateIndex();
  for (const it of items) index.add(it);
  return index.result(thresholds);
}

/**
 * findNearDuplicates fed one item at a time: keeps only the items' ids and token-id sets (in shared
 * buffers), so a dataset can be streamed through it; memory is a few integers per token.
 */
export class NearDuplicateIndex {
  private readonly interner = new TokenInterner();
  private readonly ids: string[] = [];
  private readonly inSets = new TokenBuffer();
  private readonly outSets = new TokenBuffer();
  /** Stored band keys, BANDS per item (valid where `hasBands` is 1). */
  private bands = new Int32Array(0);
  private hasBands = new Uint8Array(0);

  add(item: DuplicateItem): void {
    const i = this.ids.length;
    this.ids.push(item.id);
    this.interner.add(item.inputs, this.inSets);
    this.interner.add(item.outputs, this.outSets);
    const stored = item.inputBands;
    if (!stored || stored.byteLength !== BAND_BYTES) return;
    if (this.hasBands.length <= i) {
      const cap = Math.max(1024, 2 * (i + 1));
      const bands = new Int32Array(cap * BANDS);
      bands.set(this.bands);
      this.bands = bands;
      const has = new Uint8Array(cap);
      has.set(this.hasBands);
      this.hasBands = has;
    }
    const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
    for (let b = 0; b < BANDS; b++) this.bands[i * BANDS + b] = view.getInt32(4 * b, true);
    this.hasBands[i] = 1;
  }

  get size(): number {
    return this.ids.length;
  }

  result(thresholds = NEAR_DUPLICATE_THRESHOLDS): NearDuplicateReport {
    const n = this.ids.length;
    const D = this.inSets.data;
    const O = this.inSets.offsets;
    const OD = this.outSets.data;
    const OO = this.outSets.offsets;
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
    const seen = new Set<number>();
    /** a < b; inSim known (1) for identical token sets. */
    const consider = (a: number, b: number, inSim?: number) => {
      let si = inSim;
      if (si === undefined) {
        const la = O[a + 1] - O[a];
        const lb = O[b + 1] - O[b];
        if (la !== lb && (la < lb ? la / lb : lb / la) < thresholds.inputs) return;
        si = jaccardSorted(D, O[a], O[a + 1], O[b], O[b + 1], thresholds.inputs);
      }
      if (si < thresholds.inputs) return;
      union(a, b);
      // a pair can come up in several bands: confirm and list it once
      const key = a * n + b;
      if (seen.has(key)) return;
      seen.add(key);
      const so = jaccardSorted(OD, OO[a], OO[a + 1], OO[b], OO[b + 1], thresholds.outputs);
      if (so >= thresholds.outputs) found.push({ a, b, inputSimilarity: si, outputSimilarity: so });
    };
    // identical input token sets: one representative each for LSH; groups are chains in typed arrays
    const firstOfHash = new Map<number, number>();
    const sameHashNext = new Int32Array(n).fill(-1); // next group head with the same hash
    const groupNext = new Int32Array(n).fill(-1);
    const groupTail = new Int32Array(n);
    const reps: number[] = [];
    for (let i = 0; i < n; i++) {
      const h = hashIds(D, O[i], O[i + 1]);
      let head = firstOfHash.get(h);
      let last = -1;
      while (head !== undefined && head !== -1 && !sameIds(D, O[head], O[head + 1], O[i], O[i + 1])) {
        last = head;
        head = sameHashNext[head];
      }
      if (head === undefined || head === -1) {
        if (last === -1) firstOfHash.set(h, i);
        else sameHashNext[last] = i;
        groupTail[i] = i;
        reps.push(i);
      } else {
        groupNext[groupTail[head]] = i;
        groupTail[head] = i;
      }
    }
    for (const head of reps) {
      for (let x = head; x !== -1; x = groupNext[x]) {
        union(head, x);
        let y = groupNext[x];
        for (let k = 0; k < MAX_BUCKET && y !== -1; k++, y = groupNext[y]) consider(x, y, 1);
      }
    }
    // LSH, one band at a time (memory: a few integers per representative): a 32-bit mix of the
    // band's rows is the bucket key (collisions only add candidates, which are verified). Buckets are
    // chains in insertion order (reps are in increasing item order), kept in an open-addressing table.
    const nR = reps.length;
    const tokenHashes = this.interner.hashes();
    let longest = 0;
    for (const i of reps) longest = Math.max(longest, O[i + 1] - O[i]);
    const hs = new Int32Array(longest);
    const sig = new Uint32Array(PERMUTATIONS);
    const bandKeys = new Int32Array(nR);
    const next = new Int32Array(nR);
    let bits = 1;
    while (1 << bits < 2 * nR) bits += 1;
    const mask = (1 << bits) - 1;
    const slotKey = new Int32Array(mask + 1);
    const slotTail = new Int32Array(mask + 1);
    for (let b = 0; b < BANDS; b++) {
      for (let r = 0; r < nR; r++) {
        const i = reps[r];
        if (this.hasBands[i] === 1) {
          bandKeys[r] = this.bands[i * BANDS + b];
          continue;
        }
        const m = O[i + 1] - O[i];
        for (let t = 0; t < m; t++) hs[t] = tokenHashes[D[O[i] + t]];
        minhash(hs, m, sig, b * ROWS, (b + 1) * ROWS);
        bandKeys[r] = bandKey(sig, b);
      }
      slotTail.fill(-1);
      next.fill(-1);
      for (let r = 0; r < nR; r++) {
        const key = bandKeys[r];
        let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
        while (slotTail[slot] !== -1 && slotKey[slot] !== key) slot = (slot + 1) & mask;
        if (slotTail[slot] !== -1) next[slotTail[slot]] = r;
        else slotKey[slot] = key;
        slotTail[slot] = r;
      }
      // each member is compared with the next MAX_BUCKET members of its bucket
      for (let r = 0; r < nR; r++) {
        let y = next[r];
        for (let k = 0; k < MAX_BUCKET && y !== -1; k++, y = next[y]) consider(reps[r], reps[y]);
      }
    }
    found.sort((p, q) => p.a - q.a || p.b - q.b);
    const pairs: NearDuplicatePair[] = found.map((p) => ({ a: this.ids[p.a], b: this.ids[p.b], inputSimilarity: p.inputSimilarity, outputSimilarity: p.outputSimilarity }));
    // clusters numbered in order of their first member
    const clusterOfRoot = new Int32Array(n).fill(-1);
    const clusterOf = new Int32Array(n);
    const sizes: number[] = [];
    for (let i = 0; i < n; i++) {
      const root = find(i);
      if (clusterOfRoot[root] === -1) {
        clusterOfRoot[root] = sizes.length;
        sizes.push(0);
      }
      clusterOf[i] = clusterOfRoot[root];
      sizes[clusterOf[i]] += 1;
    }
    return { pairs, clusterOf, clusterCount: sizes.length, clusterSize: Int32Array.from(sizes) };
  }
}
