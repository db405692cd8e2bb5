import type { Split } from './types';

/** Shares of the hash space: [0, 0.8) train, [0.8, 0.9) dev, [0.9, 1) test. */
export const SPLIT_BOUNDS = { train: 0.8, dev: 0.9 } as const;

/**
 * The split of an example, from its input hash (sha256 of signature hash + canonical inputs):
 * the first 8 hex digits read as a fraction of 2^32. Inputs never change after insertion
 * (a correction changes outputs), so an example's split never moves.
 */
export function splitFor(inputHash: string): Split {
  const x = parseInt(inputHash.slice(0, 8), 16) / 2 ** 32;
  if (x < SPLIT_BOUNDS.train) return 'train';
  if (x < SPLIT_BOUNDS.dev) return 'dev';
  return 'test';
}
