/** A minimal, valid body for a step dropped from the palette. */
import type { Json } from '../model/edits';

const prompt = (content: string): Json => [{ type: 'static', content }];

export function defaultStep(type: string, name: string): Record<string, Json> {
  const base: Record<string, Json> = { name, type };
  switch (type) {
    case 'dspy_claude':
    case 'dspy_gemini':
      return {
        ...base,
        dspy_signature: {
          input_fields: [{ name: 'question', type: 'string', description: 'The input' }],
          output_fields: [{ name: 'answer', type: 'string', description: 'The result' }],
        },
        dspy_config: { optimization_enabled: true, fallback_strategy: 'traditional' },
      };
    case 'dspy_chain':
      return { ...base, dspy_config: { chain_steps: [{ signature: 'answer_to_summary' }, { signature: 'summary_to_report' }], optimization_enabled: true } };
    case 'dspy_evaluation':
      return {
        ...base,
        dspy_signature: {
          input_fields: [{ name: 'answer', type: 'string', description: 'Output to score' }],
          output_fields: [{ name: 'score', type: 'number', description: 'Quality from 0 to 1' }],
        },
      };
    case 'parallel_claude':
      return { ...base, parallel_tasks: [{ id: 'task_1', prompt: prompt('First task') }, { id: 'task_2', prompt: prompt('Second task') }] };
    case 'claude_batch':
      return { ...base, tasks: [{ task_id: 'task_1', prompt: prompt('First task') }] };
    case 'for_loop':
      return { ...base, iterator: 'item', data_source: '{{items}}', steps: [{ name: `${name}_body`, type: 'claude', prompt: prompt('Process {{loop.item}}') }] };
    case 'while_loop':
      return { ...base, condition: 'state.done != true', max_iterations: 5, steps: [{ name: `${name}_body`, type: 'claude', prompt: prompt('Try again') }] };
    case 'data_transform':
      return { ...base, input_source: 'previous_response:step', operations: [{ operation: 'filter', condition: 'score > 0.5' }], output_field: 'result' };
    case 'file_ops':
      return { ...base, operation: 'copy', source: 'input.txt', destination: 'output.txt' };
    case 'set_variable':
      return { ...base, variables: { counter: 0 } };
    case 'pipeline':
      return { ...base, pipeline_file: './sub_pipeline.yaml' };
    default:
      return { ...base, prompt: prompt('Describe what this step should do.') };
  }
}

/** A new step's name: its type and the first free number (`claude_1`, `dspy_claude_2`). */
export function nameFor(type: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  for (let i = 1; ; i++) if (!set.has(`${type}_${i}`)) return `${type}_${i}`;
}

export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  for (let i = 2; ; i++) if (!set.has(`${base}_${i}`)) return `${base}_${i}`;
}
