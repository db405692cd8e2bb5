import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readPath, renderTemplates, stringify, type RunScope } from './run-scope';

export class PromptError extends Error {}

/** Session histories of the run: session id -> responses in order. */
export type Sessions = Map<string, string[]>;

/** Builds a step's prompt from pipeline_ex's prompt parts, joined by blank lines as pipeline_ex does. */
export async function buildPrompt(parts: unknown, scope: RunScope, opts: { baseDir: string; sessions?: Sessions }): Promise<string> {
  if (parts === undefined || parts === null) return '';
  if (!Array.isArray(parts)) throw new PromptError('prompt must be a list of parts');
  const out: string[] = [];
  for (const [i, raw] of parts.entries()) {
    const part = (raw ?? {}) as Record<string, unknown>;
    switch (part.type) {
      case 'static':
        out.push(renderTemplates(String(part.content ?? ''), scope).text);
        break;
      case 'file': {
        const file = path.resolve(opts.baseDir, renderTemplates(String(part.path ?? ''), scope).text);
        try {
          out.push(await readFile(file, 'utf8'));
        } catch (err) {
          throw new PromptError(`prompt[${i}]: cannot read file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        break;
      }
      case 'previous_response': {
        const name = String(part.step ?? '');
        if (!(name in scope.steps)) throw new PromptError(`prompt[${i}]: step '${name}' has no result yet`);
        const value = part.extract ? readPath(scope.steps[name], String(part.extract).split('.')) : scope.steps[name];
        let text = stringify(value);
        if (typeof part.max_length === 'number') text = text.slice(0, part.max_length);
        out.push(text);
        break;
      }
      case 'session_context': {
        const history = opts.sessions?.get(String(part.session_id)) ?? [];
        const n = typeof part.include_last_n === 'number' ? part.include_last_n : history.length;
        out.push(history.slice(-n).join('\n\n'));
        break;
      }
      case 'claude_continue':
        out.push(renderTemplates(String(part.new_prompt ?? ''), scope).text);
        break;
      default:
        throw new PromptError(`prompt[${i}]: unknown part type '${String(part.type)}'`);
    }
  }
  return out.join('\n\n');
}
