/** One card per step, colored by family: signature fields as typed handles, a validation badge. */
import { memo, useEffect, useRef, type ReactNode } from 'react';
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from '@xyflow/react';
import { familyColor, familyStrong, typeGlyph } from '../model/catalog';
import type { DiagnosticView, StepView } from '../model/types';
import { programBadge, useStepPrograms } from '../tuning/step-programs';
import { RunLine } from '../run/RunStatus';
import { plural } from '../model/plural';

export type StepNodeData = { step: StepView; diagnostics: DiagnosticView[] };
export type StepFlowNode = Node<StepNodeData, 'step' | 'container'>;

function Badge({ diagnostics }: { diagnostics: DiagnosticView[] }) {
  if (diagnostics.length === 0) return null;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const title = diagnostics.map((d) => `${d.severity}: ${d.message}`).join('\n');
  return (
    <div className={`sn-badge ${errors ? '' : 'warning'}`} title={title} role="img" aria-label={`${plural(diagnostics.length, 'problem')}: ${title}`} data-testid="node-badge">
      {errors || diagnostics.length}
    </div>
  );
}

/** Which program the step runs: its promoted one (current or stale), or the baseline and why. */
function ProgramLine({ name }: { name: string }) {
  const badge = programBadge(useStepPrograms((s) => s.byStep[name]));
  if (!badge) return null;
  return (
    <div className={`sn-program ${badge.tone}`} title={badge.title} data-testid="node-program">
      {badge.text}
    </div>
  );
}

/** The card both node kinds share: family colors, flow handles, header, validation badge. */
function NodeShell({ step, diagnostics, typeLine, container, children }: { step: StepView; diagnostics: DiagnosticView[]; typeLine: string; container?: boolean; children: ReactNode }) {
  return (
    <div
      className={container ? 'step-node container-node' : 'step-node'}
      style={{ ['--family-color' as string]: familyColor[step.family], ['--family-strong' as string]: familyStrong[step.family] }}
      data-testid={`node-${step.id}`}
      data-step-type={step.type}
      data-container={container ? 'true' : undefined}
    >
      <Handle type="target" position={Position.Left} id="flow-in" className="flow" style={{ top: 25 }} />
      <Handle type="source" position={Position.Right} id="flow-out" className="flow" style={{ top: 25 }} />
      <div className="sn-head">
        <div className="sn-icon" aria-hidden="true">{typeGlyph(step.type)}</div>
        <div className="sn-title">
          <div className="sn-name" title={step.name}>{step.name}</div>
          <div className="sn-type">{typeLine}</div>
        </div>
      </div>
      {children}
      <ProgramLine name={step.name} />
      <RunLine index={step.index} name={step.name} depth={step.depth} />
      <Badge diagnostics={diagnostics} />
    </div>
  );
}

function StepNodeImpl({ id, data }: NodeProps<StepFlowNode>) {
  const { step, diagnostics } = data;
  const hasFields = step.inputs.length + step.outputs.length > 0;
  // React Flow measures handles only when a node resizes: renaming a field keeps the size, so re-measure
  // whenever the set of handles changes (else the renamed handle cannot start or end a connection).
  const updateInternals = useUpdateNodeInternals();
  const handleKey = [...step.inputs.map((f) => `in:${f.name}`), ...step.outputs.map((f) => `out:${f.name}`)].join('|');
  // Not on mount: React Flow measures new nodes itself, and 300 extra updates slow opening large files.
  const measured = useRef(handleKey);
  useEffect(() => {
    if (measured.current === handleKey) return;
    measured.current = handleKey;
    updateInternals(id);
  }, [id, handleKey, updateInternals]);
  return (
    <NodeShell step={step} diagnostics={diagnostics} typeLine={step.type}>
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
    </NodeShell>
  );
}

export const StepNode = memo(StepNodeImpl);

function containerCaption(step: StepView): string {
  const r = step.raw;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  if (step.type === 'for_loop') return `for ${str(r.iterator) || 'item'} in ${str(r.data_source) || '…'}${r.parallel === true ? ' · parallel' : ''}`;
  if (step.type === 'while_loop') return `while ${typeof r.condition === 'string' ? r.condition : 'condition'}${r.max_iterations !== undefined ? ` · max ${str(r.max_iterations)}` : ''}`;
  if (step.type === 'pipeline') return 'inline pipeline';
  return step.summary;
}

/** A loop or inline pipeline: a group node; React Flow draws its nested steps inside (parentId, extent 'parent'). */
function ContainerNodeImpl({ data }: NodeProps<StepFlowNode>) {
  const { step, diagnostics } = data;
  const n = step.children.length;
  return (
    <NodeShell step={step} diagnostics={diagnostics} typeLine={`${step.type} · ${plural(n, 'nested step')}`} container>
      <div className="cn-caption mono" title={containerCaption(step)}>{containerCaption(step)}</div>
      {n === 0 && <div className="cn-empty">No nested steps: add them under <span className="mono">steps:</span> in the YAML</div>}
    </NodeShell>
  );
}

export const ContainerNode = memo(ContainerNodeImpl);
