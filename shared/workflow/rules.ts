import type { Diagnostic, Severity } from './diagnostic';
import type { StepValidationContext } from './catalog';
import { PROMPT_PART_TYPES } from './schema';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const REQUIRED_PART_KEY: Record<string, string> = {
  static: 'content',
  file: 'path',
  previous_response: 'step',
  session_context: 'session_id',
  claude_continue: 'session_id',
};

/** pipeline_ex's prompt rules: a list of typed parts, each with its required key, previous_response naming a step. */
export function promptProblems(prompt: unknown, ctx: StepValidationContext, severity: Severity = 'error'): Diagnostic[] {
  if (prompt === undefined || prompt === null) return [ctx.diag(severity, 'step needs a prompt: a list of parts such as {type: static, content: ...}', [])];
  if (!Array.isArray(prompt)) return [ctx.diag(severity, 'prompt must be a list of parts (pipeline_ex rejects a plain string); write `- type: static` + `content: ...`', ['prompt'])];
  const out: Diagnostic[] = [];
  prompt.forEach((part, i) => {
    const at = ['prompt', i];
    if (!isMap(part)) return void out.push(ctx.diag(severity, 'prompt part must be a map with a type', at));
    const type = part.type;
    if (type === undefined || type === null) return void out.push(ctx.diag(severity, 'prompt part has no type', at));
    if (typeof type !== 'string' || !(type in REQUIRED_PART_KEY)) {
      return void out.push(ctx.diag(severity, `prompt part type ${JSON.stringify(type)} is not one of ${PROMPT_PART_TYPES.join(', ')}`, [...at, 'type']));
    }
    const key = REQUIRED_PART_KEY[type];
    if (part[key] === undefined || part[key] === null) return void out.push(ctx.diag(severity, `${type} prompt part needs '${key}'`, at));
    if (type === 'previous_response') {
      if (typeof part.step !== 'string') out.push(ctx.diag(severity, 'previous_response step must be a string', [...at, 'step']));
      else if (!ctx.stepNames.has(part.step)) out.push(ctx.diag(severity, `previous_response names no step: '${part.step}'`, [...at, 'step']));
      if (part.extract_with !== undefined && part.extract_with !== 'content_extractor') {
        out.push(ctx.diag(severity, "extract_with must be 'content_extractor'", [...at, 'extract_with']));
      }
    }
  });
  return out;
}
