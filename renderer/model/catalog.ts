/** The step catalog for the palette and the nodes: shared's pipeline_ex and DSPy step types. */
import { pipelineExStepTypes, type StepTypeDefinition } from '../../shared/workflow/catalog';
import { dspyStepTypes } from '../../shared/dspy/steps';
import type { Family } from './types';

export const stepCatalog: StepTypeDefinition[] = [...dspyStepTypes, ...pipelineExStepTypes];
const byType = new Map(stepCatalog.map((d) => [d.type, d]));

export function stepDef(type: string): StepTypeDefinition | undefined {
  return byType.get(type);
}

export const familyOrder: { family: Family; label: string }[] = [
  { family: 'dspy', label: 'DSPy' },
  { family: 'claude', label: 'Claude' },
  { family: 'gemini', label: 'Gemini' },
  { family: 'control', label: 'Control flow' },
  { family: 'data', label: 'Data' },
];

export function familyOf(type: string): Family {
  return (byType.get(type)?.family as Family | undefined) ?? (type.includes('gemini') ? 'gemini' : type.includes('claude') ? 'claude' : 'data');
}

export const familyColor: Record<Family, string> = {
  dspy: 'var(--family-dspy)',
  claude: 'var(--family-claude)',
  gemini: 'var(--family-gemini)',
  control: 'var(--family-control)',
  data: 'var(--family-data)',
};

export const familyStrong: Record<Family, string> = {
  dspy: 'var(--family-dspy-strong)',
  claude: 'var(--family-claude-strong)',
  gemini: 'var(--family-gemini-strong)',
  control: 'var(--family-control-strong)',
  data: 'var(--family-data-strong)',
};

/** Literal colors for SVG attributes (the minimap cannot resolve CSS variables). */
export const familyHex: Record<Family, string> = { dspy: '#8b5cf6', claude: '#d97757', gemini: '#3b82f6', control: '#0ea5a4', data: '#16a34a' };

/** Two-letter glyph for a step type's icon. */
export function typeGlyph(type: string): string {
  const map: Record<string, string> = {
    dspy_claude: 'DC', dspy_gemini: 'DG', dspy_chain: 'CH', dspy_evaluation: 'EV',
    claude: 'C', gemini: 'G', parallel_claude: 'PC', gemini_instructor: 'GI', claude_smart: 'CS', claude_session: 'SE',
    claude_extract: 'EX', claude_batch: 'CB', claude_robust: 'CR', for_loop: 'FOR', while_loop: 'WH',
    data_transform: 'DT', file_ops: 'FS', set_variable: 'VAR', pipeline: 'PL',
  };
  return map[type] ?? type.slice(0, 2).toUpperCase();
}
