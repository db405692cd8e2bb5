import type { Condition } from '../../../shared/workflow/schema';
import { readPath, renderValue, type RunScope } from './run-scope';

const COMPARISON = /^(.+?)\s*(>=|<=|==|!=|>|<|\bcontains\b)\s*(.+)$/;

function literal(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return { ok: true, value: Number(t) };
  if (/^(['"]).*\1$/.test(t)) return { ok: true, value: t.slice(1, -1) };
  if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
  if (t === 'null' || t === 'nil') return { ok: true, value: null };
  return { ok: false };
}

/** An operand: a literal, a `{{template}}`, or a path (`steps.x.y`, `state.x`, or pipeline_ex's bare `step.field`). */
function operand(text: string, scope: RunScope): unknown {
  const lit = literal(text);
  if (lit.ok) return lit.value;
  const t = text.trim();
  if (t.includes('{{')) return renderValue(t, scope);
  const [head, ...rest] = t.split('.');
  if (head === 'steps') return readPath(scope.steps, rest[0] === undefined ? [] : [rest[0], ...(rest[1] === 'result' ? rest.slice(2) : rest.slice(1))]);
  if (head === 'state' || head === 'inputs' || head === 'global_vars' || head === 'loop') return readPath(scope[head], rest);
  return readPath(scope.steps[head], rest[0] === 'result' ? rest.slice(1) : rest);
}

const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0));

/** pipeline_ex conditions: an expression string, a list (all hold), or and/or/not maps. */
export function evaluateCondition(condition: Condition | undefined, scope: RunScope): boolean {
  if (condition === undefined) return true;
  if (Array.isArray(condition)) return condition.every((c) => evaluateCondition(c, scope));
  if (typeof condition === 'object' && condition !== null) {
    if ('and' in condition) return condition.and.every((c) => evaluateCondition(c, scope));
    if ('or' in condition) return condition.or.some((c) => evaluateCondition(c, scope));
    if ('not' in condition) return !evaluateCondition(condition.not, scope);
    return false;
  }
  const expr = String(condition).trim();
  const m = COMPARISON.exec(expr);
  if (!m) return truthy(operand(expr, scope));
  const [, l, op, r] = m;
  const a = operand(l, scope);
  const b = operand(r, scope);
  switch (op) {
    case '==':
      return a === b || String(a) === String(b);
    case '!=':
      return !(a === b || String(a) === String(b));
    case 'contains':
      return Array.isArray(a) ? a.some((x) => x === b || String(x) === String(b)) : String(a ?? '').includes(String(b));
    default: {
      const x = Number(a);
      const y = Number(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      return op === '>' ? x > y : op === '>=' ? x >= y : op === '<' ? x < y : x <= y;
    }
  }
}
