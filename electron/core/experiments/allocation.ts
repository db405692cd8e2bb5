import { createHash } from 'node:crypto';

/** Deterministic position in [0, 1) of a unit within a namespace (an experiment, a rollout). */
export function hashUnit(namespace: string, unitId: string): number {
  // Length-prefix the namespace so ("a", "bc") and ("ab", "c") differ.
  const digest = createHash('sha256').update(`${namespace.length}:${namespace}:${unitId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Picks an index by weight for a position in [0, 1); zero-weight entries are never picked. */
export function pickWeighted(weights: readonly number[], position: number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] / total;
    if (weights[i] > 0 && position < acc) return i;
  }
  // Rounding can leave the last sliver unassigned: give it to the last positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  throw new Error('no positive weight');
}
