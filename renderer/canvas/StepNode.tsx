/** One card per step, colored by family: signature fields as typed handles, a validation badge. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { familyColor, familyStrong, typeGlyph } from '../model/catalog';
import type { DiagnosticView, StepView } from '../model/types';

export type StepNodeData = { step: StepView; diagnostics: DiagnosticView[] };
export type StepFlowNode = Node<StepNodeData, 'step'>;

function Badge({ diagnostics }: { diagnostics: DiagnosticView[] }) {
  if (diagnostics.length === 0) return null;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const title = diagnostics.map((d) => `${d.severity}: ${d.message}`).join('\n');
  return (
    <div className={`sn-badge ${errors ? '' : 'warning'}`} title={title} role="img" aria-label={`${diagnostics.length} problem${diagnostics.length > 1 ? 's' : ''}: ${title}`} data-testid="node-badge">
      {errors || diagnostics.length}
    </div>
  );
}

function StepNodeImpl({ data }: NodeProps<StepFlowNode>) {
  const { step, diagnostics } = data;
  const hasFields = step.inputs.length + step.outputs.length > 0;
  return (
    <div
      className={`step-node ${step.family === 'control' ? 'container' : ''}`}
      style={{ ['--family-color' as string]: familyColor[step.family], ['--family-strong' as string]: familyStrong[step.family] }}
      data-testid={`node-${step.id}`}
      data-step-type={step.type}
    >
      <Handle type="target" position={Position.Left} id="flow-in" className="flow" style={{ top: 25 }} />
      <Handle type="source" position={Position.Right} id="flow-out" className="flow" style={{ top: 25 }} />
      <div className="sn-head">
        <div className="sn-icon" aria-hidden="true">{typeGlyph(step.type)}</div>
        <div className="sn-title">
          <div className="sn-name" title={step.name}>{step.name}</div>
          <div className="sn-type">{step.type}</div>
        </div>
      </div>
      {hasFields ? (
        <div className="sn-fields">
          {step.inputs.map((f) => (
            <div className="sn-field in" key={`in:${f.name}`} title={f.description}>
              <Handle type="target" position={Position.Left} id={`in:${f.name}`} className={`typed-${f.type}`} />
              <span className="fname">{f.name}</span>
              <span className="ftype">{f.type}</span>
            </div>
          ))}
          {step.outputs.map((f) => (
            <div className="sn-field out" key={`out:${f.name}`} title={f.description}>
              <span className="ftype">{f.type}</span>
              <span className="fname">{f.name}</span>
              <Handle type="source" position={Position.Right} id={`out:${f.name}`} className={`typed-${f.type}`} />
            </div>
          ))}
        </div>
      ) : (
        <div className="sn-summary" title={step.summary}>{step.summary || step.label}</div>
      )}
      {step.children.length > 0 && (
        <div className="sn-children">
          {step.children.map((c, i) => (
            <div className="sn-child" key={`${c.name}-${i}`}>
              <span>{c.name}</span>
              <span className="muted">{c.type}</span>
            </div>
          ))}
        </div>
      )}
      <Badge diagnostics={diagnostics} />
    </div>
  );
}

export const StepNode = memo(StepNodeImpl);
