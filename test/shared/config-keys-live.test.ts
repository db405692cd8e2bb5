/**
 * Every configuration key does something: each leaf key of the plugin config and of dspy_config is
 * read by some code path outside the schema files (a property read `.key` or `['key']` / `"key"`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dspyConfigSchema } from '../../shared/dspy/config';
import { dspyPluginBlockSchema } from '../../shared/plugin-config/schema';

const root = path.join(import.meta.dirname, '../..');
/** The schemas themselves (declaring a key is not reading it). */
const SCHEMA_FILES = new Set(['shared/plugin-config/schema.ts', 'shared/dspy/config.ts']);

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType } };
  while (cur.def.innerType || cur.def.in) cur = (cur.def.innerType ?? cur.def.in) as never;
  return cur as unknown as z.ZodType;
}

/** Dotted paths of the leaf keys of an object schema (objects recurse; anything else is a leaf). */
function leaves(schema: z.ZodType, prefix = ''): string[] {
  const s = unwrap(schema) as unknown as { shape?: Record<string, z.ZodType> };
  if (!s.shape) return [prefix];
  return Object.entries(s.shape).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (f === 'node_modules' || f === '.venv' || f === '__pycache__' || f === 'tests') return [];
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|py)$/.test(f) ? [p] : [];
  });
}

const corpus = ['electron', 'shared', 'renderer', 'python/studio_runtime']
  .flatMap((d) => sources(path.join(root, d)))
  .filter((f) => !SCHEMA_FILES.has(path.relative(root, f).split(path.sep).join('/')))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

const read = (key: string) => new RegExp(`\\.${key}\\b|\\[['"]${key}['"]\\]`).test(corpus);

describe('every configuration key is read by some code path', () => {
  const plugin = leaves(dspyPluginBlockSchema).map((p) => `plugins.dspy_plugin.${p}`);
  const step = leaves(dspyConfigSchema).map((p) => `dspy_config.${p}`);
  it.each([...plugin, ...step])('%s', (key) => {
    const name = key.split('.').pop()!;
    expect(read(name), `${key}: nothing reads it; make it do what docs/configuration.md says or remove it`).toBe(true);
  });

  it('walks every section (a schema change cannot empty the walk)', () => {
    expect(plugin).toContain('plugins.dspy_plugin.config.python_bridge.pool_size');
    expect(plugin).toContain('plugins.dspy_plugin.config.deployment.feature_flags');
    expect(step).toContain('dspy_config.evaluation_mode');
  });
});
