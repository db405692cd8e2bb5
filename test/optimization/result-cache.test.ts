import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/dspy/signature';
import { cacheKey, InMemoryCacheBackend, ResultCache, type CacheKeyParts } from '../../electron/core/optimization/result-cache';

const parts = (sig: string, params: Record<string, unknown> = { max_bootstrapped_demos: 4 }): CacheKeyParts =>
  ({ signatureHash: sig, program: 'step:predict', datasetVersion: 'd1', strategy: 'bootstrap_few_shot', params, model: 'simulated/toy' });

describe('cache keys', () => {
  it('canonical JSON ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
  it('equal parts give equal keys; any part changes the key', () => {
    const k = cacheKey(parts('s', { a: 1, b: 2 }));
    expect(cacheKey(parts('s', { b: 2, a: 1 }))).toBe(k);
    expect(cacheKey(parts('s', { a: 1, b: 3 }))).not.toBe(k);
    expect(cacheKey({ ...parts('s', { a: 1, b: 2 }), datasetVersion: 'd2' })).not.toBe(k);
    expect(cacheKey({ ...parts('s', { a: 1, b: 2 }), model: 'other' })).not.toBe(k);
    expect(cacheKey({ ...parts('s', { a: 1, b: 2 }), strategy: 'copro' })).not.toBe(k);
    expect(cacheKey(parts('t', { a: 1, b: 2 }))).not.toBe(k);
  });
});

describe('ResultCache', () => {
  const make = (ttlSeconds = 60, maxEntries = 3) => {
    let now = 0;
    const cache = new ResultCache<string>({ ttlSeconds, maxEntries, clock: () => now });
    return { cache, advance: (ms: number) => { now += ms; } };
  };

  it('counts hits and misses', () => {
    const { cache } = make();
    expect(cache.get(parts('a'))).toBeUndefined();
    cache.set(parts('a'), 'prog-a');
    expect(cache.get(parts('a'))).toBe('prog-a');
    expect(cache.get(parts('a'))).toBe('prog-a');
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, evictions: 0, expirations: 0, hitRate: 2 / 3, size: 1 });
  });

  it('expires after cache_ttl seconds', () => {
    const { cache, advance } = make(10);
    cache.set(parts('a'), 'x');
    advance(9999);
    expect(cache.get(parts('a'))).toBe('x');
    advance(1);
    expect(cache.get(parts('a'))).toBeUndefined();
    expect(cache.stats()).toMatchObject({ expirations: 1, size: 0 });
  });

  it('ttl 0 keeps nothing', () => {
    const { cache } = make(0);
    cache.set(parts('a'), 'x');
    expect(cache.get(parts('a'))).toBeUndefined();
  });

  it('evicts the least recently used beyond maxEntries', () => {
    const { cache, advance } = make(60, 2);
    cache.set(parts('a'), 'A');
    advance(1);
    cache.set(parts('b'), 'B');
    advance(1);
    cache.get(parts('a'));
    advance(1);
    cache.set(parts('c'), 'C');
    expect(cache.get(parts('b'))).toBeUndefined();
    expect(cache.get(parts('a'))).toBe('A');
    expect(cache.get(parts('c'))).toBe('C');
    expect(cache.stats().evictions).toBe(1);
  });

  it('mostUsed ranks live entries by hits and keeps hits across a re-set', () => {
    const { cache, advance } = make(10, 10);
    cache.set(parts('a'), 'A');
    cache.set(parts('b'), 'B');
    cache.set(parts('c'), 'C');
    for (let i = 0; i < 3; i++) cache.get(parts('b'));
    cache.get(parts('c'));
    cache.set(parts('b'), 'B2');
    expect(cache.mostUsed(2).map((e) => [e.parts.signatureHash, e.hits, e.value])).toEqual([['b', 3, 'B2'], ['c', 1, 'C']]);
    advance(10_000);
    expect(cache.mostUsed(5)).toEqual([]);
    expect(cache.purgeExpired()).toBe(3);
  });

  it('works over a supplied backend, which sees every write', () => {
    const backend = new InMemoryCacheBackend<string>();
    const cache = new ResultCache<string>({ ttlSeconds: 5, maxEntries: 5, backend, clock: () => 0 });
    cache.set(parts('a'), 'A');
    expect(backend.size()).toBe(1);
    const again = new ResultCache<string>({ ttlSeconds: 5, maxEntries: 5, backend, clock: () => 1 });
    expect(again.get(parts('a'))).toBe('A');
    cache.delete(parts('a'));
    expect(backend.size()).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new ResultCache({ ttlSeconds: 1, maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new ResultCache({ ttlSeconds: -1, maxEntries: 1 })).toThrow(/ttlSeconds/);
  });
});
