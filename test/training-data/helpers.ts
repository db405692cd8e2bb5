import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TrainingData } from '../../electron/core/training-data';

export const FIXTURES = path.resolve(__dirname, '../fixtures/training-data');

export function tmpDir(prefix = 'td-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function fixtureSpec(name: string): unknown {
  return parseYaml(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** A fresh store in a temp dir with the qa, security and sentiment signatures registered. */
export function freshStore(): { td: TrainingData; dir: string } {
  const dir = tmpDir();
  const td = TrainingData.open(dir);
  td.registerSignature('qa', fixtureSpec('qa.signature.json'));
  td.registerSignature('security', fixtureSpec('security.signature.yaml'));
  td.registerSignature('sentiment', fixtureSpec('sentiment.signature.json'));
  return { td, dir };
}
