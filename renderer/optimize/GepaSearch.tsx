/** GEPA's search: the candidate tree with dev scores, the frontier, and for the picked candidate its instructions' diff against its parent, the examples it wins and loses, and the feedback its reflection read. */
import { useMemo, useState } from 'react';
import { diffWords } from 'diff';
import { bestOn, quotedNotes, treeRows, winsAndLosses, type GepaTree } from '../../shared/dspy/gepa-tree';
import { fmtPct } from '../tuning/common';
import './gepa.css';

export function GepaSearch({ tree }: { tree: GepaTree }) {
  const rows = useMemo(() => treeRows(tree), [tree]);
  const best = useMemo(() => bestOn(tree), [tree]);
  const [picked, setPicked] = useState<number | null>(null);
  const byId = new Map(tree.candidates.map((c) => [c.id, c]));
  const selected = byId.get(picked ?? tree.best ?? 0);
  const parent = selected && byId.get(selected.parents[0]);
  const exampleName = (i: number) => `dev #${i + 1}`;
  return (
    <section className="gepa-search" aria-labelledby="gepa-title" data-testid="gepa-search">
      <h4 id="gepa-title">
        GEPA search <span className="muted small">{tree.candidates.length} candidates · {tree.rejected_proposals} proposals rejected on their minibatch · scores measured on the dev set</span>
      </h4>
      <div className="gepa-layout">
        <ol className="gepa-tree" aria-label="Candidates">
          {rows.map(({ candidate: c, depth }) => (
            <li key={c.id}>
              <button
                type="button"
                className={`gepa-node ${selected?.id === c.id ? 'on' : ''}`}
                style={{ paddingLeft: 6 + depth * 14 }}
                onClick={() => setPicked(c.id)}
                aria-pressed={selected?.id === c.id}
                data-testid={`gepa-node-${c.id}`}
              >
                <span className="mono">#{c.id}</span>
                <span className="gepa-bar" aria-hidden="true">
                  <span style={{ width: `${c.score * 100}%` }} />
                </span>
                <span className="mono small">{fmtPct(c.score, 0)}</span>
                {c.id === tree.best && <span className="chip gepa-best">chosen</span>}
                {tree.pareto_front.includes(c.id) && <span className="chip" title={`Best on ${best.get(c.id)?.length ?? 0} dev examples`}>frontier · {best.get(c.id)?.length ?? 0}</span>}
                {c.merge && <span className="chip">merge</span>}
                {quotedNotes(c).length > 0 && <span className="chip" title="Its reflection read a labeler's note">note</span>}
              </button>
            </li>
          ))}
        </ol>
        {selected && (
          <div className="gepa-detail" data-testid="gepa-detail">
            <div className="small">
              <strong>#{selected.id}</strong>{' '}
              {selected.parents.length === 0 ? 'the program as it was (seed)' : selected.merge ? `merge of ${selected.parents.map((p) => `#${p}`).join(' and ')}` : `from #${selected.parents[0]}, changed ${selected.components.join(', ') || 'nothing'}`}
              {' · '}dev {fmtPct(selected.score, 1)}
            </div>
            {Object.entries(selected.instructions).map(([name, text]) => (
              <div key={name}>
                <div className="muted small mono">{name}</div>
                <div className="instr-diff" data-testid="gepa-instructions">
                  {diffWords(parent?.instructions[name] ?? text, text).map((p, i) => (
                    <span key={i} className={p.added ? 'ins' : p.removed ? 'del' : ''}>
                      {p.value}
                    </span>
                  ))}
                </div>
              </div>
            ))}
            <div className="small" data-testid="gepa-best-on">
              Best of all candidates on {best.get(selected.id)?.length ?? 0} of {selected.scores.length} dev examples{(best.get(selected.id)?.length ?? 0) > 0 ? `: ${listOf(best.get(selected.id)!, exampleName)}` : ''}
            </div>
            {parent && <WinsLosses {...winsAndLosses(selected, parent)} parentId={parent.id} name={exampleName} />}
            {selected.feedback.length > 0 && (
              <>
                <div className="muted small">Feedback the reflection read</div>
                <ul className="gepa-feedback" data-testid="gepa-feedback">
                  {selected.feedback.map((f, i) => (
                    <li key={i}>
                      <Feedback text={f.feedback} />
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

/** Up to 8 example names, then how many more. */
const listOf = (xs: number[], name: (i: number) => string) => (xs.length ? xs.slice(0, 8).map(name).join(', ') + (xs.length > 8 ? ` +${xs.length - 8}` : '') : 'none');

function WinsLosses({ wins, losses, parentId, name }: { wins: number[]; losses: number[]; parentId: number; name: (i: number) => string }) {
  return (
    <div className="small" data-testid="gepa-wins">
      Against #{parentId}: wins {wins.length} ({listOf(wins, name)}), loses {losses.length} ({listOf(losses, name)})
    </div>
  );
}

/** The metric's feedback with the labeler's note set apart. */
function Feedback({ text }: { text: string }) {
  const marker = "Labeler's note: ";
  const at = text.indexOf(marker);
  if (at < 0) return <span>{text}</span>;
  return (
    <span>
      {text.slice(0, at)}
      <q className="gepa-note" data-testid="gepa-note">{text.slice(at + marker.length)}</q>
    </span>
  );
}
