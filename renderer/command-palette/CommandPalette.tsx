/**
 * Ctrl/Cmd+Shift+P (or Ctrl/Cmd+K): every command with its shortcut, fuzzy-filtered, plus "go to step".
 * Commands that cannot run right now stay listed, greyed, with the reason.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { allCommands, unavailable, type Command } from '../app/commands';
import { useUi } from '../stores/ui';
import { useDocument } from '../stores/document';

function score(title: string, q: string): number {
  if (!q) return 1;
  const t = title.toLowerCase();
  // A match at a word's start beats one inside a word; equal scores keep the commands' own order.
  if (` ${t}`.includes(` ${q}`)) return 20;
  if (t.includes(q)) return 10;
  let i = 0;
  for (const ch of t) if (ch === q[i]) i++;
  return i === q.length ? 1 : 0;
}

export interface PaletteItem {
  c: Command;
  /** Why the command cannot run now; null when it can. */
  reason: string | null;
}

/** The palette's rows for query `q`: best match first, equal scores in the commands' own order. */
export function paletteItems(commands: Command[], q: string): PaletteItem[] {
  const needle = q.trim().toLowerCase();
  return commands
    .map((c) => ({ c, s: score(`${c.group} ${c.title}`, needle) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, 60)
    .map((x) => ({ c: x.c, reason: unavailable(x.c) }));
}

export function CommandPalette() {
  const close = useUi((s) => s.closeDialog);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const items = useMemo(() => {
    const steps: Command[] = (useDocument.getState().view?.steps ?? []).map((s) => ({
      id: `goto.${s.id}`,
      group: 'Go to',
      title: `${s.name}  ·  ${s.type}`,
      run: () => useDocument.getState().select([s.id]),
    }));
    return paletteItems([...allCommands(), ...steps], q);
  }, [q]);
  const runAt = (i: number) => {
    const item = items[i];
    if (!item || item.reason) return;
    close();
    setTimeout(() => item.c.run(), 0);
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog palette-dialog" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={input}
          aria-label="Type a command"
          placeholder="Type a command or a step name…"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, items.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter') runAt(active);
            else if (e.key === 'Escape') close();
          }}
        />
        <div className="cmd-list" role="listbox" aria-label="Commands">
          {items.map(({ c, reason }, i) => (
            <div
              key={c.id}
              role="option"
              aria-selected={i === active}
              aria-disabled={reason ? true : undefined}
              title={reason ?? undefined}
              className={`cmd ${i === active ? 'active' : ''}`}
              style={reason ? { cursor: 'default', color: 'var(--text-muted)' } : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => runAt(i)}
            >
              <span className="cmd-group">{c.group}</span>
              <span className="cmd-title">
                {c.title}
                {reason && <span className="small" style={{ marginLeft: 8, fontStyle: 'italic' }}>— {reason}</span>}
              </span>
              {c.shortcut && <span className="kbd" style={reason ? { opacity: 0.6 } : undefined}>{c.shortcut}</span>}
            </div>
          ))}
          {items.length === 0 && <div className="muted" style={{ padding: 12 }}>No matching command</div>}
        </div>
      </div>
    </div>
  );
}
