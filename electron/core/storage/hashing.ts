import { createHash, randomBytes } from 'node:crypto';

export { canonicalJson } from '../../../shared/dspy/signature';

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

const PROCESS_TAG = randomBytes(6).toString('hex');
let counter = 0;

/**
 * A time-ordered unique id: 48-bit milliseconds, a random per-process tag, and a per-process
 * counter (all hex), so primary-key inserts append to the B-tree instead of scattering.
 */
export function newId(): string {
  counter = (counter + 1) % 0x100000000;
  return `${Date.now().toString(16).padStart(12, '0')}-${PROCESS_TAG}-${counter.toString(16).padStart(8, '0')}`;
}
