import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/dspy/signature';

/** What an optimized program depends on: any change makes a different cache entry. */
export interface CacheKeyParts {
  signatureHash: string;
  /** The program's shape (module kinds, chain links): programShape(). */
  program: string;
  datasetVersion: string;
  strategy: string;
  params: Record<string, unknown>;
  model: string;
}

export function cacheKey(p: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson([p.signatureHash, p.program, p.datasetVersion, p.strategy, p.params, p.model])).digest('hex');
}

export interface CacheEntry<T> {
  key: string;
  parts: CacheKeyParts;
  value: T;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  hits: number;
}

/** Storage of cache entries; the in-memory one is below, the integrator adds SQLite. */
export interface CacheBackend<T> {
  get(key: string): CacheEntry<T> | undefined;
  /** Stores or replaces an entry. */
  set(entry: CacheEntry<T>): void;
  delete(key: string): void;
  entries(): Iterable<CacheEntry<T>>;
  size(): number;
}

export class InMemoryCacheBackend<T> implements CacheBackend<T> {
  private readonly map = new Map<string, CacheEntry<T>>();
  get(key: string) { return this.map.get(key); }
  set(entry: CacheEntry<T>) {
    // Re-insert so iteration order is least recently written first.
    this.map.delete(entry.key);
    this.map.set(entry.key, entry);
  }
  delete(key: string) { this.map.delete(key); }
  entries() { return this.map.values(); }
  size() { return this.map.size; }
}

export interface ResultCacheOptions<T> {
  /** optimization.cache_ttl in seconds; 0 keeps nothing (every lookup misses). */
  ttlSeconds: number;
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  backend?: CacheBackend<T>;
  clock?: () => number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  hitRate: number;
  size: number;
  evictions: number;
  expirations: number;
}

export class ResultCache<T> {
  private readonly backend: CacheBackend<T>;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  private counters = { hits: 0, misses: 0, evictions: 0, expirations: 0 };

  constructor(opts: ResultCacheOptions<T>) {
    if (!(opts.maxEntries >= 1)) throw new Error('maxEntries must be at least 1');
    if (!(opts.ttlSeconds >= 0)) throw new Error('ttlSeconds must be >= 0');
    this.backend = opts.backend ?? new InMemoryCacheBackend<T>();
    this.ttlMs = opts.ttlSeconds * 1000;
    this.maxEntries = opts.maxEntries;
    this.clock = opts.clock ?? Date.now;
  }

  get(parts: CacheKeyParts): T | undefined {
    const key = cacheKey(parts);
    const entry = this.backend.get(key);
    const now = this.clock();
    if (entry && entry.expiresAt <= now) {
      this.backend.delete(key);
      this.counters.expirations++;
    } else if (entry) {
      this.counters.hits++;
      this.backend.set({ ...entry, hits: entry.hits + 1, lastUsedAt: now });
      return entry.value;
    }
    this.counters.misses++;
    return undefined;
  }

  set(parts: CacheKeyParts, value: T): void {
    const key = cacheKey(parts);
    const now = this.clock();
    const previous = this.backend.get(key);
    this.backend.set({ key, parts, value, createdAt: now, expiresAt: now + this.ttlMs, lastUsedAt: now, hits: previous?.hits ?? 0 });
    while (this.backend.size() > this.maxEntries) this.evictOne();
  }

  delete(parts: CacheKeyParts): void {
    this.backend.delete(cacheKey(parts));
  }

  /** Drops expired entries; returns how many. */
  purgeExpired(): number {
    const now = this.clock();
    const expired = [...this.backend.entries()].filter((e) => e.expiresAt <= now);
    for (const e of expired) this.backend.delete(e.key);
    this.counters.expirations += expired.length;
    return expired.length;
  }

  /** The live entries with the most hits, for cache warming at startup. */
  mostUsed(n: number): CacheEntry<T>[] {
    const now = this.clock();
    return [...this.backend.entries()].filter((e) => e.expiresAt > now).sort((a, b) => b.hits - a.hits || b.lastUsedAt - a.lastUsedAt).slice(0, n);
  }

  stats(): CacheStats {
    const { hits, misses } = this.counters;
    return { ...this.counters, hitRate: hits + misses ? hits / (hits + misses) : NaN, size: this.backend.size() };
  }

  private evictOne(): void {
    let victim: CacheEntry<T> | undefined;
    for (const e of this.backend.entries()) if (!victim || e.lastUsedAt < victim.lastUsedAt) victim = e;
    if (!victim) return;
    this.backend.delete(victim.key);
    this.counters.evictions++;
  }
}
