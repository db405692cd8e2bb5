/**
 * YAML parsing with bounds: size before parsing, nesting depth and node count on the concrete
 * syntax tree (built without recursion) before the recursive composer ever sees it. Deep nesting
 * otherwise exhausts the stack inside the composer, where V8 can abort the process outright.
 */
import { Composer, isMap, isPair, isScalar, isSeq, LineCounter, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export interface YamlLimits {
  maxChars: number;
  maxDepth: number;
  maxNodes: number;
  maxAliasCount: number;
}

export const YAML_LIMITS: Readonly<YamlLimits> = {
  /** A workflow is a few KB; the editor must stay responsive. */
  maxChars: 10 * 1024 * 1024,
  /** Nested collections; real workflows stay under 20. */
  maxDepth: 100,
  /** Collection entries and scalars. */
  maxNodes: 2_000_000,
  /** Alias expansions allowed when building the JS value (guards against "billion laughs"). */
  maxAliasCount: 1000,
};

export interface YamlRefusal {
  message: string;
  line: number;
  column: number;
}

export interface BoundedYaml {
  /** Undefined when the text was refused. */
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  refusal?: YamlRefusal;
}

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** Depth and node count of a CST, walked with an explicit stack; stops at the first limit exceeded. */
function checkTree(tokens: CST.Token[], limits: YamlLimits): { message: string; offset: number } | undefined {
  let nodes = 0;
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [tok, depth] = stack.pop()!;
    if (tok.type === 'document') {
      if (tok.value) stack.push([tok.value, depth]);
      continue;
    }
    if (++nodes > limits.maxNodes) return { message: `YAML has more than ${limits.maxNodes} nodes (node limit)`, offset: tok.offset };
    if (!('items' in tok)) continue;
    if (depth + 1 > limits.maxDepth) return { message: `YAML nesting is deeper than ${limits.maxDepth} levels (depth limit)`, offset: tok.offset };
    for (const item of tok.items) {
      if (item.key && typeof item.key === 'object') stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Duplicate scalar keys, found with one set per map: the yaml package's own check scans the map for
 * every key, quadratic in the number of keys.
 */
function flagDuplicateKeys(doc: Document.Parsed): void {
  const stack: unknown[] = [doc.contents];
  const found: YAMLParseError[] = [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) {
            const [start, end] = pair.key.range ?? [0, 0];
            found.push(new YAMLParseError([start, end], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(pair.key.value);
        } else stack.push(pair.key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  if (found.length > 0) doc.errors = [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
}

/** Parses one YAML document within `limits`; never throws for limit violations, reports them with a position. */
export function parseYamlBounded(text: string, options: Options = {}, limits: YamlLimits = YAML_LIMITS): BoundedYaml {
  const lineCounter = options.lineCounter ?? new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line, column: col };
  };
  if (text.length > limits.maxChars) {
    const mb = (n: number) => (n / 1048576).toFixed(1);
    return { lineCounter, refusal: { message: `file is too large (${mb(text.length)} MB; the size limit is ${mb(limits.maxChars)} MB)`, line: 1, column: 1 } };
  }
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const problem = checkTree(tokens, limits);
  if (problem) return { lineCounter, refusal: { message: problem.message, ...at(problem.offset) } };
  const composer = new Composer({ ...options, lineCounter, uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  if (options.uniqueKeys !== false) flagDuplicateKeys(doc!);
  return { doc, lineCounter };
}

/** The plain value of bounded YAML text; throws an Error naming the limit or syntax problem and its line. */
export function parseYamlValue(text: string, what = 'YAML'): unknown {
  const { doc, refusal, lineCounter } = parseYamlBounded(text, { uniqueKeys: true });
  if (refusal) throw new Error(`${what}: ${refusal.message} at line ${refusal.line}`);
  const err = doc!.errors[0];
  if (err) throw new Error(`${what}: ${err.message.split('\n')[0]} at line ${lineCounter.linePos(err.pos[0]).line}`);
  return doc!.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
}
