import { z } from 'zod';

export interface ConfigIssue {
  severity: 'error' | 'warning';
  /** Dotted path inside the validated block, e.g. python_bridge.pool_size */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ConfigValidation<T = Record<string, unknown>> {
  ok: boolean;
  value?: T;
  issues: ConfigIssue[];
}

/** Maps a path inside the block to a source position, when the block came from a file. */
export type PositionLookup = (path: (string | number)[]) => { line: number; column: number } | undefined;

interface Extension {
  name: string;
  owner: string;
  schema: z.ZodObject<any>;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** Plugins extend the configuration schema; the composed schema validates a plugin's config block. */
export class ConfigurationSystem {
  private readonly extensions = new Map<string, Extension>();

  registerExtension(name: string, schema: z.ZodObject<any>, owner: string): void {
    if (this.extensions.has(name)) throw new Error(`Schema extension "${name}" is already registered`);
    this.extensions.set(name, { name, owner, schema });
  }

  unregisterOwner(owner: string): void {
    for (const [name, ext] of this.extensions) if (ext.owner === owner) this.extensions.delete(name);
  }

  list(owner?: string): { name: string; owner: string; keys: string[] }[] {
    return [...this.extensions.values()]
      .filter((e) => owner === undefined || e.owner === owner)
      .map((e) => ({ name: e.name, owner: e.owner, keys: Object.keys(e.schema.shape) }));
  }

  /** The composition of the named extensions (all of an owner's by default). */
  composedSchema(owner: string): z.ZodObject<any> {
    const shape: Record<string, z.ZodType> = {};
    for (const ext of this.extensions.values()) if (ext.owner === owner) Object.assign(shape, ext.schema.shape);
    return z.object(shape);
  }

  validate<T = Record<string, unknown>>(owner: string, config: unknown, positionOf?: PositionLookup): ConfigValidation<T> {
    const schema = this.composedSchema(owner);
    const issues: ConfigIssue[] = [];
    const at = (path: (string | number)[]) => positionOf?.(path) ?? {};
    if (config !== undefined && config !== null && typeof config === 'object' && !Array.isArray(config)) {
      for (const key of Object.keys(config)) {
        if (!(key in schema.shape)) {
          issues.push({ severity: 'warning', path: key, message: `Unknown key "${key}" is ignored. Known keys: ${Object.keys(schema.shape).join(', ')}`, ...at([key]) });
        }
      }
    }
    const parsed = schema.safeParse(config ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        issues.push({ severity: 'error', path: formatPath(path), message: issue.message, ...at(path) });
      }
      return { ok: false, issues };
    }
    return { ok: true, value: parsed.data as T, issues };
  }
}
