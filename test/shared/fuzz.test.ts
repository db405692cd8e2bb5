import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allStepTypes, parseWorkflowDocument, validateWorkflowText, workflowToGraph } from '../../shared/index';
import { OWN, PIPELINE_EX } from './helpers';
import { seededRandom } from '../../electron/core/statistics/distributions';


const GARBAGE = ['', ':', '- ', '{', ']', '&a', '*a', '!!binary', '"', "'", '|', '>', '#', '\t', '---', '? ', '@', '%YAML 1.2', '<<: *a', '{{steps.', '\u0000', '\uFFFD', 'null', '~', '[]', '{}', '- type: previous_response\n  step: ghost'];
const VALUES = ['3', '-1', 'true', 'null', '[]', '{}', '"str"', '[1, 2]', '{a: 1}', '1e309', '0x1F', '2001-01-01', '.nan', '|\n  x'];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number) => Math.floor(rnd() * n);
  const i = pick(lines.length);
  switch (pick(7)) {
    case 0: lines.splice(i, 1 + pick(3)); break;
    case 1: lines.splice(i, 0, lines[pick(lines.length)]); break;
    case 2: lines[i] = lines[pick(lines.length)]; break;
    case 3: {
      const l = lines[i];
      if (l.length > 1) { const j = pick(l.length - 1); lines[i] = l.slice(0, j) + l[j + 1] + l[j] + l.slice(j + 2); }
      break;
    }
    case 4: { const l = lines[i]; const j = pick(l.length + 1); lines[i] = l.slice(0, j) + GARBAGE[pick(GARBAGE.length)] + l.slice(j); break; }
    case 5: {
      // change the type of a value: replace what follows `key:` on a line
      const m = /^(\s*-?\s*[\w"]+:)\s*(.*)$/.exec(lines[i]);
      if (m) lines[i] = `${m[1]} ${VALUES[pick(VALUES.length)]}`;
      break;
    }
    default: { const indent = pick(3) - 1; lines[i] = indent < 0 ? lines[i].replace(/^ {1,2}/, '') : '  '.repeat(indent) + lines[i]; }
  }
  return lines.join('\n');
}

const seeds = [
  ...readdirSync(OWN).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(OWN, f), 'utf8')),
  ...readdirSync(PIPELINE_EX).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(PIPELINE_EX, f), 'utf8')),
];

describe('fuzz', () => {
  it('parser, validator and graph builder never throw on mutated workflows', () => {
    const rnd = seededRandom(20240611);
    const ITERATIONS = 4000;
    const verdicts: Record<string, number> = {};
    let tried = 0;
    for (let n = 0; n < ITERATIONS; n++) {
      let text = seeds[Math.floor(rnd() * seeds.length)];
      const rounds = 1 + Math.floor(rnd() * 4);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      let stage = 'parse';
      try {
        parseWorkflowDocument(text);
        stage = 'validate';
        const res = validateWorkflowText(text, allStepTypes);
        stage = 'graph';
        workflowToGraph(res.model, res.diagnostics);
        verdicts[res.verdict] = (verdicts[res.verdict] ?? 0) + 1;
        for (const d of res.diagnostics) {
          if (!(d.line >= 1 && d.column >= 1)) throw new Error(`bad position ${JSON.stringify(d)}`);
          if (d.message.startsWith('internal validator error')) throw new Error(d.message);
        }
      } catch (e) {
        throw new Error(`input #${n} threw in ${stage}: ${(e as Error).message}\n---\n${text}`);
      }
      tried++;
    }
    console.log(`fuzz: ${tried} mutated inputs tried (${seeds.length} seed files); verdicts ${JSON.stringify(verdicts)}`);
    expect(tried).toBe(ITERATIONS);
    // The mutations must actually reach every outcome, or the fuzzer is not exercising the validator.
    expect(Object.keys(verdicts).sort()).toEqual(['invalid', 'not_a_workflow', 'valid', 'yaml_error']);
  });
});
