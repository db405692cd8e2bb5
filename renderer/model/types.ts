/** View-model types the canvas renders (mapped from shared/graph's output). */
export type Family = 'dspy' | 'claude' | 'gemini' | 'control' | 'data';

export interface FieldView {
  name: string;
  type: string;
  description?: string;
}

export interface StepView {
  /** Stable id (shared/graph): the step's name when unique, else its path. Also a valid StepRef for shared's editor. */
  id: string;
  name: string;
  type: string;
  family: Family;
  label: string;
  /** Path without `workflow.`, e.g. `steps[3]` or `steps[1].steps[0]`. */
  path: string;
  /** Position in the list that holds the step (top-level steps, or its container's steps). */
  index: number;
  /** The container (for_loop, while_loop, inline pipeline) this step is nested in. */
  parentId?: string;
  /** 0 for top-level steps. */
  depth: number;
  /** A loop or inline pipeline: drawn as a group node with its nested steps inside. */
  container: boolean;
  /** dspy_chain: the chain's signatures in order. */
  chain: string[];
  inputs: FieldView[];
  outputs: FieldView[];
  summary: string;
  /** Ids of the steps directly nested in this one. */
  children: string[];
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
  /** Step the diagnostic belongs to (the innermost step's id), when it does. */
  step?: string;
}

export interface WorkflowView {
  name: string;
  steps: StepView[];
  edges: EdgeView[];
}
