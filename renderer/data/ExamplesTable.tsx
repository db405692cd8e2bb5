/** The dataset table: virtualized rows (@tanstack/react-virtual), so 10,000 examples scroll smoothly. */
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ExampleRow } from '../../shared/api/index';
import { fmtPct, valueText } from '../tuning/common';

const STATE_CLASS: Record<string, string> = { accepted: 'ok', corrected: 'accent', rejected: 'bad', unlabeled: 'muted' };

/** onEnd: called when the last row comes into view (to fetch the next page). */
export function ExamplesTable({ rows, inputNames, outputNames, onOpen, selectedId, onEnd }: { rows: ExampleRow[]; inputNames: string[]; outputNames: string[]; onOpen: (index: number) => void; selectedId?: string | null; onEnd?: () => void }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 34, overscan: 12 });
  const items = virtual.getVirtualItems();
  const lastShown = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (onEnd && rows.length > 0 && lastShown >= rows.length - 1) onEnd();
  }, [onEnd, lastShown, rows.length]);
  const cols = `minmax(0, 2.2fr) minmax(0, 1.4fr) 110px 60px 60px 130px 70px`;
  return (
    <div className="vtable" data-testid="examples-table" role="table" aria-label="Examples" aria-rowcount={rows.length + 1}>
      <div className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: cols }}>
        <span role="columnheader">Inputs ({inputNames.join(', ')})</span>
        <span role="columnheader">Outputs ({outputNames.join(', ')})</span>
        <span role="columnheader">Label</span>
        <span role="columnheader">Rating</span>
        <span role="columnheader">Split</span>
        <span role="columnheader">Source</span>
        <span role="columnheader">Quality</span>
      </div>
      <div ref={parent} className="vtable-body" tabIndex={0} role="rowgroup" aria-label="Example rows (scroll)" data-testid="examples-scroll">
        <div role="presentation" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const r = rows[v.index];
            return (
              <div
                key={r.id}
                role="row"
                aria-rowindex={v.index + 2}
                className={`vtable-row ${selectedId === r.id ? 'selected' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: v.size, gridTemplateColumns: cols }}
                onClick={() => onOpen(v.index)}
                data-testid="example-row"
              >
                <span role="cell" className="cell mono" title={valueText(r.inputs)}>
                  {inputNames.map((n) => valueText(r.inputs[n])).join(' · ')}
                </span>
                <span role="cell" className="cell mono" title={valueText(r.outputs)}>
                  {outputNames.map((n) => valueText(r.outputs[n])).join(' · ')}
                </span>
                <span role="cell" className="cell">
                  <span className={`state-dot ${STATE_CLASS[r.labelState]}`} aria-hidden="true" />
                  {r.labelState}
                </span>
                <span role="cell" className="cell">{r.rating ?? ''}</span>
                <span role="cell" className="cell">{r.split}</span>
                <span role="cell" className="cell muted">
                  {r.source.replace('_', ' ')}
                  {r.imported ? ' · imported' : ''}
                </span>
                <span className={`cell ${r.usable ? '' : 'sev-warning'}`} title={r.reasons.join('; ') || 'usable'}>
                  {fmtPct(r.quality)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
