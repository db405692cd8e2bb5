/** What a `{{...}}` template points at. `previous_response` covers pipeline_ex's `{{previous_response:NAME}}` form. */
export type TemplateRoot = 'steps' | 'state' | 'inputs' | 'global_vars' | 'loop' | 'previous_response' | 'other';

export interface TemplateRef {
  /** The whole `{{ ... }}` text. */
  raw: string;
  root: TemplateRoot;
  /** First segment after the root: the step name for `steps`, the variable for the others. */
  name: string;
  /** Remaining dotted segments, e.g. `['result', 'summary']`. */
  rest: string[];
  /** Offset of `{{` in the scanned string. */
  offset: number;
}

const TEMPLATE_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN_ROOTS = new Set<TemplateRoot>(['steps', 'state', 'inputs', 'global_vars', 'loop']);

/** Every template reference in a string, in order of appearance. */
export function extractTemplateRefs(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const m of text.matchAll(TEMPLATE_RE)) {
    const expr = m[1];
    const offset = m.index ?? 0;
    const prev = /^previous_response:([^.:\s]+)(?:[.:](.*))?$/.exec(expr);
    if (prev) {
      refs.push({ raw: m[0], root: 'previous_response', name: prev[1], rest: prev[2] ? prev[2].split(/[.:]/) : [], offset });
      continue;
    }
    const [head, name = '', ...rest] = expr.split('.');
    const root = KNOWN_ROOTS.has(head as TemplateRoot) ? (head as TemplateRoot) : 'other';
    refs.push(root === 'other'
      ? { raw: m[0], root, name: head, rest: name ? [name, ...rest] : [], offset }
      : { raw: m[0], root, name, rest, offset });
  }
  return refs;
}

/** Step names a string refers to through `{{steps.NAME...}}` or `{{previous_response:NAME}}`. */
export function referencedStepNames(text: string): string[] {
  return extractTemplateRefs(text)
    .filter((r) => (r.root === 'steps' || r.root === 'previous_response') && r.name !== '')
    .map((r) => r.name);
}

/** Rewrites step references in a string from `from` to `to`; other text is untouched. */
export function renameStepInTemplates(text: string, from: string, to: string): string {
  return text.replace(TEMPLATE_RE, (raw, expr: string) => {
    const refs = extractTemplateRefs(raw);
    const ref = refs[0];
    if (!ref || ref.name !== from || (ref.root !== 'steps' && ref.root !== 'previous_response')) return raw;
    const at = ref.root === 'steps' ? expr.indexOf(`steps.${from}`) + 'steps.'.length : expr.indexOf(from);
    const newExpr = expr.slice(0, at) + to + expr.slice(at + from.length);
    return raw.replace(expr, newExpr);
  });
}

/** `previous_response:NAME[.path]` or `previous_response:NAME:field` data sources of data_transform and for_loop. */
export function dataSourceStepName(source: string): string | undefined {
  return /^previous_response:([^.:\s]+)/.exec(source)?.[1];
}
