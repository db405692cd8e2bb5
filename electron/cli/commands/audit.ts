/** `pipeline-studio audit verify|list`: the hash-chained audit log. */
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import { AuditLog } from '../../core/audit';
import { openDataDir } from '../../core/storage';

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('The append-only, hash-chained audit log');
  audit
    .command('verify')
    .description('Check every link of the chain; reports the first broken one (exit 1)')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const db = openDataDir(ctx.dataDir());
      try {
        const r = new AuditLog(db).verify();
        if (o.json) ctx.json(r);
        else if (r.ok) ctx.out(`audit log intact: ${r.checked} entries, head ${r.headHash.slice(0, 16)}`);
        else ctx.err(`audit log broken at entry ${r.firstBroken!.seq}: ${r.firstBroken!.reason} (${r.checked} entries before it are intact)`);
        if (!r.ok) ctx.setExitCode(1);
      } finally {
        db.close();
      }
    });
  audit
    .command('list')
    .description('Show entries')
    .option('--action <name>', 'only this action (e.g. data.import)')
    .option('--after <seq>', 'entries after this sequence number', '0')
    .option('--limit <n>', 'at most n entries', '100')
    .option('--json', 'print JSON')
    .action((o: { action?: string; after: string; limit: string; json?: boolean }) => {
      const r = z.object({ after: z.coerce.number().int().min(0), limit: z.coerce.number().int().min(1).max(100000) }).safeParse(o);
      if (!r.success) throw new UsageError(`audit list: ${r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const db = openDataDir(ctx.dataDir());
      try {
        const list = new AuditLog(db).list({ afterSeq: r.data.after, limit: r.data.limit, action: o.action });
        if (o.json) ctx.json(list);
        else for (const e of list) ctx.out(`${e.seq}\t${e.at}\t${e.actor}\t${e.action}\t${e.target ?? ''}`);
      } finally {
        db.close();
      }
    });
}
