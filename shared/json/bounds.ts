/**
 * Bounds for decoded JSON (API messages, imported rows, worker frames): nesting depth and node
 * count, measured with an explicit stack. JSON.parse itself copes with any depth, but the code
 * that walks a value afterwards (serializers, hashing, zod) recurses.
 */
export interface JsonLimits {
  maxDepth: number;
  maxNodes: number;
}

export const JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 100, maxNodes: 2_000_000 };

/** The first limit `value` exceeds, as a message naming it; undefined when within bounds. */
export function jsonBoundsProblem(value: unknown, limits: JsonLimits = JSON_LIMITS): string | undefined {
  let nodes = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > limits.maxNodes) return `more than ${limits.maxNodes} values (node limit)`;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels (depth limit)`;
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) stack.push([(v as Record<string, unknown>)[k], depth + 1]);
  }
  return undefined;
}

/** JSON.parse within bounds: throws a SyntaxError, or an Error naming the limit exceeded. */
export function parseJsonBounded(text: string, limits: JsonLimits = JSON_LIMITS): unknown {
  const value: unknown = JSON.parse(text);
  const problem = jsonBoundsProblem(value, limits);
  if (problem) throw new Error(`JSON ${problem}`);
  return value;
}
