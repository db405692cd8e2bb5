import { createHash, randomBytes } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

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
