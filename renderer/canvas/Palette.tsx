/** Step palette: every step type grouped by family; drag onto the canvas, or double-click/Enter to add at the centre of the view. */
import { useMemo, useState } from 'react';
import { familyColor, familyOrder, familyStrong, stepCatalog, typeGlyph } from '../model/catalog';
import { Icon } from '../app/icons';
import { addStepAtViewCentre, STEP_MIME } from './Canvas';


export function Palette() {
  const [q, setQ] = useState('');
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return familyOrder
      .map((g) => ({
        ...g,
        items: stepCatalog.filter(
          (d) => d.family === g.family && (!needle || d.type.includes(needle) || d.label.toLowerCase().includes(needle) || d.description.toLowerCase().includes(needle)),
        ),
      }))
      .filter((g) => g.items.length > 0);
  }, [q]);
  return (
    <aside className="panel panel-left" aria-label="Step palette">
      <div className="panel-header">Steps</div>
      <div className="search">
        <Icon name="search" />
        <input aria-label="Filter step types" placeholder="Filter steps…" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <div className="panel-body">
        {groups.map((g) => (
          <section className="palette-group" key={g.family} aria-label={g.label}>
            <h3>
              <span className="family-swatch" style={{ background: familyColor[g.family] }} />
              {g.label}
            </h3>
            {g.items.map((d) => (
              <button
                type="button"
                className="palette-item"
                key={d.type}
                draggable
                data-testid={`palette-${d.type}`}
                title={d.description}
                onDragStart={(e) => {
                  e.dataTransfer.setData(STEP_MIME, d.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => addStepAtViewCentre(d.type)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') addStepAtViewCentre(d.type);
                }}
              >
                <span className="pi-icon" style={{ background: familyStrong[g.family] }} aria-hidden="true">
                  {typeGlyph(d.type)}
                </span>
                <span className="pi-text">
                  <div className="pi-label">{d.label}</div>
                  <div className="pi-type">{d.type}</div>
                </span>
              </button>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
