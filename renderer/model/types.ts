/** View-model types the canvas renders (mapped from shared/graph's output). */
export type Family = 'dspy' | 'claude' | 'gemini' | 'control' | 'data';

export interface FieldView {
  name: string;
  type: string;
  description?: string;
}

export interface StepView {
  /** Stable id: the step's name (unique among top-level steps). */
  id: string;
  name: string;
  type: string;
  family: Family;
  label: string;
  /** Path without `workflow.`, e.g. `steps[3]`. */
  path: string;
  index: number;
  /** dspy_chain: the chain's signatures in order. */
  chain: string[];
  inputs: FieldView[];
  outputs: FieldView[];
  summary: string;
  children: { name: string; type: string }[];
  raw: Record<string, unknown>;
}

export interface EdgeView {
  id: string;
  source: string;
  target: string;
  kind: 'previous_response' | 'template' | 'chain' | 'data_source';
  sourceHandle?: string | null;
  targetHandle?: string | null;
  label?: string;
}

export interface DiagnosticView {
  severity: 'error' | 'warning' | 'info';
  message: string;
  path: string;
  line: number;
  column: number;
  /** Step the diagnostic belongs to (top-level step name), when it does. */
  step?: string;
}

export interface WorkflowView {
  name: string;
  steps: StepView[];
  edges: EdgeView[];
}
