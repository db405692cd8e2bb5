/** Text helpers shared by quality, bias and near-duplicate detection. */

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

/** All string/number/boolean leaves of a JSON value joined by spaces. */
export function textOf(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join(' ');
}

/** Lower-cased letter/digit runs. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN_RE) ?? [];
}

export function tokenSet(value: unknown): Set<string> {
  return new Set(tokens(textOf(value)));
}

/** Whitespace-separated words of the value's text. */
export function wordCount(value: unknown): number {
  const t = textOf(value).trim();
  return t ? t.split(/\s+/).length : 0;
}

/** |A ∩ B| / |A ∪ B|; two empty sets are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const t of small) if (large.has(t)) inter += 1;
  return inter / (a.size + b.size - inter);
}

export const STOPWORDS = new Set(
  'redacted a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those i you he she we they me him her us them my your our their what which who whom how why when where not no yes do does did done have has had can could would should will shall may might must there here than so too very just also about into over under out up down again more most some any each all both few other such only own same'.split(' '),
);

/** Content tokens: not a stopword, at least 3 characters, not all digits. */
export function contentTokens(value: unknown): Set<string> {
  const out = new Set<string>();
  for (const t of tokens(textOf(value))) if (t.length >= 3 && !STOPWORDS.has(t) && !/^\d+$/.test(t)) out.add(t);
  return out;
}

/** Shannon entropy (natural log) of counts. */
export function entropy(counts: Iterable<number>): number {
  const list = [...counts].filter((c) => c > 0);
  const n = list.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  return -list.reduce((h, c) => h + (c / n) * Math.log(c / n), 0);
}

/** 1 - H / ln(k): 0 when counts are spread evenly over k classes, 1 when all fall in one. */
export function imbalance(counts: readonly number[], k = counts.length): number {
  if (k <= 1) return counts.some((c) => c > 0) ? 1 : 0;
  return Math.max(0, Math.min(1, 1 - entropy(counts) / Math.log(k)));
}

/** Many small integer sets kept in one growing buffer (no object per entry): set i is data[offsets[i]..offsets[i+1]). */
export class TokenBuffer {
  data: Int32Array = new Int32Array(1 << 16);
  offsets: Int32Array = new Int32Array(1 << 12);
  private used = 0;
  length = 0;

  /** Room for k more ids at the returned position (fill data there, then commit). */
  reserve(k: number): number {
    if (this.used + k > this.data.length) this.data = grow(this.data, this.used + k);
    return this.used;
  }

  /** Ends the set started at the last reserve with its first n ids. */
  commit(n: number): void {
    if (this.length + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.length + 2);
    this.used += n;
    this.length += 1;
    this.offsets[this.length] = this.used;
  }
}

function grow(a: Int32Array, atLeast: number): Int32Array {
  let size = a.length * 2;
  while (size < atLeast) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
