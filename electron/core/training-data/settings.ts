import { z } from 'zod';
import type { Db } from '../storage/database';
import { canonicalJson } from '../storage/hashing';
import type { AuditLog } from '../audit/audit-log';
import { Source, SOURCES } from './types';

export const RedactionSettings = z.object({
  emails: z.boolean().default(true),
  phones: z.boolean().default(true),
  api_keys: z.boolean().default(true),
  /** Extra patterns: each match is replaced by [REDACTED:<name>]. */
  custom: z.array(z.object({ name: z.string().regex(/^[a-z0-9_]+$/), pattern: z.string().min(1) })).default([]),
});
export type RedactionSettings = z.infer<typeof RedactionSettings>;

/** The plugin's `training_data` block plus the store's own knobs; defaults follow the spec. */
export const TrainingDataSettings = z.object({
  collection_enabled: z.boolean().default(true),
  quality_threshold: z.number().min(0).max(1).default(0.7),
  bias_detection: z.boolean().default(true),
  versioning_enabled: z.boolean().default(true),
  sources: z.array(Source).default([...SOURCES]),
  /** deployment.feature_flags; collection needs `training_data_collection` among them. */
  feature_flags: z.array(z.string()).default(['optimization_enabled', 'training_data_collection', 'real_time_optimization']),
  redaction: RedactionSettings.default(RedactionSettings.parse({})),
  /** Freshness halves every this many days. */
  freshness_half_life_days: z.number().positive().default(90),
  /** Largest string (bytes of UTF-8) one field may hold on import. */
  max_field_bytes: z.number().int().positive().default(1024 * 1024),
});
export type TrainingDataSettings = z.infer<typeof TrainingDataSettings>;
export type TrainingDataSettingsInput = z.input<typeof TrainingDataSettings>;

const KEY = 'training_data';

export function loadSettings(db: Db): TrainingDataSettings {
  const row = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?').get(KEY);
  return TrainingDataSettings.parse(row ? JSON.parse(row.value_json) : {});
}

/** Validates, stores and audits (config.change) a settings change; returns the new settings. */
export function saveSettings(db: Db, audit: AuditLog, patch: Partial<TrainingDataSettingsInput>, by: string): TrainingDataSettings {
  return db
    .transaction(() => {
      const before = loadSettings(db);
      const parsed = TrainingDataSettings.safeParse({ ...before, ...patch });
      if (!parsed.success) {
        throw new Error(`invalid training_data settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      db.prepare('INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at').run(
        KEY,
        canonicalJson(parsed.data),
        new Date().toISOString(),
      );
      const changed = Object.keys(patch).filter((k) => canonicalJson((before as any)[k]) !== canonicalJson((parsed.data as any)[k]));
      audit.append({ actor: by, action: 'config.change', target: KEY, details: { changed, before: pick(before, changed), after: pick(parsed.data, changed) } });
      return parsed.data;
    })
    .immediate();
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
