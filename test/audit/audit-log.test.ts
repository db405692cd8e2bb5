import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH, entryHash } from '../../electron/core/audit';
import { openDatabase } from '../../electron/core/storage';

function fresh() {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'a.db'));
  const log = new AuditLog(db);
  for (let i = 1; i <= 5; i++) log.append({ actor: 'u', action: 'data.label', target: `ex${i}`, details: { n: i } });
  return { db, log };
}

describe('audit log', () => {
  it('chains every entry to the previous one from the genesis hash', () => {
    const { log } = fresh();
    const all = log.list();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
    expect(all[2].hash).toBe(entryHash(all[1].hash, { ...all[2] }));
    expect(log.verify()).toMatchObject({ ok: true, checked: 5, headHash: all[4].hash });
  });

  it('is append-only in the database', () => {
    const { db } = fresh();
    expect(() => db.prepare('UPDATE audit_log SET actor = ? WHERE seq = 2').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('verify reports the first broken link: a modified entry', () => {
    const { db, log } = fresh();
    db.exec('DROP TRIGGER audit_log_append_only_u');
    db.prepare('UPDATE audit_log SET details_json = ? WHERE seq = 3').run('{"n":99}');
    db.prepare('UPDATE audit_log SET actor = ? WHERE seq = 4').run('mallory');
    expect(log.verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: 3, reason: expect.stringMatching(/modified/) } });
  });

  it('verify reports a deleted entry and a re-hashed forgery', () => {
    const { db, log } = fresh();
    db.exec('DROP TRIGGER audit_log_append_only_d; DROP TRIGGER audit_log_append_only_u');
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(log.verify().firstBroken).toMatchObject({ seq: 3, reason: expect.stringMatching(/sequence gap/) });
    // an attacker who recomputes entry 3's own hash still breaks entry 4's link
    const { db: db2, log: log2 } = fresh();
    db2.exec('DROP TRIGGER audit_log_append_only_u');
    const e2 = log2.list()[1];
    const forged = { seq: 3, at: '2020-01-01T00:00:00.000Z', actor: 'mallory', action: 'data.label', target: 'ex3', details: {} };
    db2.prepare('UPDATE audit_log SET at = ?, actor = ?, details_json = ?, hash = ? WHERE seq = 3').run(forged.at, forged.actor, '{}', entryHash(e2.hash, forged));
    expect(log2.verify().firstBroken).toMatchObject({ seq: 4, reason: expect.stringMatching(/prev_hash/) });
  });

  it('validates entries', () => {
    const { log } = fresh();
    expect(() => log.append({ actor: '', action: 'x' })).toThrow(/actor/);
    expect(() => log.append({ actor: 'a', action: 'Bad Action' })).toThrow(/action/);
  });

  it('an entry appended inside a rolled-back transaction disappears with it', () => {
    const { db, log } = fresh();
    expect(() =>
      db.transaction(() => {
        log.append({ actor: 'u', action: 'data.import', details: {} });
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(log.verify()).toMatchObject({ ok: true, checked: 5 });
  });
});
