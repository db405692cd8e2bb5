import crypto, { createHash, randomBytes } from 'node:crypto';

export { canonicalJson } from '../../../shared/dspy/signature';

// One-shot crypto.hash (Node >= 20.12 / 21.7) skips the Hash object per call; same digest as createHash.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

export function sha256Hex(text: string | Buffer): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

export function sha1Hex(text: string): string {
  return oneShot ? oneShot('sha1', text, 'hex') : createHash('sha1').update(text).digest('hex');
}

const PROCESS_TAG = randomBytes(6).toString('hex');
let counter = 0;
let lastMs = -1;
let lastPrefix = '';

/**
 * A time-ordered unique id: 48-bit milliseconds, a random per-process tag, and a per-process
 * counter (all hex), so primary-key inserts append to the B-tree instead of scattering.
 */
export function newId(): string {
  counter = (counter + 1) % 0x100000000;
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastPrefix = `${ms.toString(16).padStart(12, '0')}-${PROCESS_TAG}-`;
  }
  return lastPrefix + counter.toString(16).padStart(8, '0');
}
