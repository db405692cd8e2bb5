import { extractTemplateRefs, type TemplateRef } from '../../../shared/workflow/templates';

/** Everything a template or condition can read during a run. */
export interface RunScope {
  steps: Record<string, unknown>;
  state: Record<string, unknown>;
  inputs: Record<string, unknown>;
  global_vars: Record<string, unknown>;
  loop?: Record<string, unknown>;
}

export function emptyScope(inputs: Record<string, unknown> = {}, globalVars: Record<string, unknown> = {}): RunScope {
  return { steps: {}, state: {}, inputs, global_vars: globalVars };
}

/** Reads a dotted path; a JSON string on the way is parsed, as pipeline_ex does for step results. */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur === 'string') {
      try {
        cur = JSON.parse(cur);
      } catch {
        return undefined;
      }
    }
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function resolveRef(ref: TemplateRef, scope: RunScope): unknown {
  switch (ref.root) {
    case 'steps':
    case 'previous_response': {
      const result = scope.steps[ref.name];
      // `{{steps.x.result}}` and `{{steps.x}}` both mean the step's result.
      const rest = ref.rest[0] === 'result' ? ref.rest.slice(1) : ref.rest;
      return readPath(result, rest);
    }
    case 'state':
    case 'inputs':
    case 'global_vars':
    case 'loop':
      return readPath(scope[ref.root], [ref.name, ...ref.rest]);
    default:
      return undefined;
  }
}

export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Replaces every `{{...}}` it can resolve; unresolved templates are kept and reported. */
export function renderTemplates(text: string, scope: RunScope): { text: string; unresolved: string[] } {
  const unresolved: string[] = [];
  let out = '';
  let last = 0;
  for (const ref of extractTemplateRefs(text)) {
    const value = resolveRef(ref, scope);
    out += text.slice(last, ref.offset);
    if (value === undefined) {
      unresolved.push(ref.raw);
      out += ref.raw;
    } else {
      out += stringify(value);
    }
    last = ref.offset + ref.raw.length;
  }
  return { text: out + text.slice(last), unresolved };
}

/** The value of a single-template string (keeps its type), else the rendered text. */
export function renderValue(value: unknown, scope: RunScope): unknown {
  if (typeof value === 'string') {
    const refs = extractTemplateRefs(value);
    if (refs.length === 1 && refs[0].raw === value.trim()) return resolveRef(refs[0], scope) ?? value;
    return renderTemplates(value, scope).text;
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  return value;
}
