export type Severity = 'error' | 'warning' | 'info';

/** One finding about a workflow file. `path` reads like `workflow.steps[2].prompt`; line and column are 1-based. */
export interface Diagnostic {
  severity: Severity;
  message: string;
  path: string;
  line: number;
  column: number;
}

export type PathSegment = string | number;

/** `['workflow', 'steps', 2, 'prompt']` -> `workflow.steps[2].prompt` */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}
