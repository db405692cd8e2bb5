import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';

/** pipeline_ex's own example workflows, vendored with their licence and origin (fixtures/pipeline_ex/README.md). */
export const PIPELINE_EX_ROOT = join(__dirname, '../fixtures/pipeline_ex');
export const PIPELINE_EX = join(PIPELINE_EX_ROOT, 'examples');
export const OWN = join(__dirname, '../fixtures/workflows');

export const readOwn = (name: string) => readFileSync(join(OWN, name), 'utf8');
export const readExample = (name: string) => readFileSync(join(PIPELINE_EX, name), 'utf8');

/** Lines removed from `a` and added in `b` (an LCS line diff). */
export function changedLines(a: string, b: string): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const part of diffLines(a.endsWith('\n') ? a : `${a}\n`, b.endsWith('\n') ? b : `${b}\n`)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.removed) removed.push(...lines);
    else if (part.added) added.push(...lines);
  }
  return { removed, added };
}

export const commentLines = (t: string) => t.split('\n').filter((l) => /^\s*#/.test(l) || /\s#\s/.test(l));
