import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflowText } from '../../shared/yaml/validate';
import { allStepTypes } from '../../shared/index';
import { PIPELINE_EX_ROOT } from './helpers';

const ROOT = PIPELINE_EX_ROOT;

describe('pipeline_ex examples', () => {
  const rows = readFileSync(join(ROOT, 'EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

  it('covers all 28 files', () => expect(rows.length).toBe(28));

  it('gives pipeline_ex verdict on every file', () => {
    const mismatches: string[] = [];
    for (const [path, expected, reason] of rows) {
      const res = validateWorkflowText(readFileSync(join(ROOT, path), 'utf8'), allStepTypes);
      if (res.verdict !== expected) {
        mismatches.push(`${path}: got ${res.verdict}, expected ${expected} (${reason}); errors: ${res.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path} ${d.message}`).join(' | ')}`);
      }
    }
    console.log(`pipeline_ex verdict agreement: ${rows.length - mismatches.length}/${rows.length}`);
    expect(mismatches).toEqual([]);
  });

  it('names each step pipeline_ex rejects', () => {
    for (const [path, expected, reason] of rows) {
      if (expected !== 'invalid') continue;
      const res = validateWorkflowText(readFileSync(join(ROOT, path), 'utf8'), allStepTypes);
      const errors = res.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n');
      for (const item of reason.split(';')) {
        const step = item.split(':')[0].trim();
        // The TSV truncates long reasons mid-name.
        if (item.includes(':')) expect(errors, `${path} ${step}`).toContain(`step '${step}'`);
      }
    }
  });
});
