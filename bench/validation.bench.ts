/**
 * Validation time against document size: workflows with 10^2..10^5 unknown root keys (one warning
 * each) and with 10^2..10^5 steps. Linear scaling shows as a per-decade ratio near 1:
 * scaling = (t(10n) / t(n)) / 10. Prints one JSON object on the last stdout line.
 */
import { allStepTypes, validateWorkflowText } from '../shared/index';

const SIZES = [100, 1_000, 10_000, 100_000];
const STEP = '    - {name: s0, type: claude, prompt: [{type: static, content: x}]}';

function unknownKeys(n: number): string {
  const keys = Array.from({ length: n }, (_, i) => `k${i}: v`);
  return `workflow:\n  name: bench\n  steps:\n${STEP}\n${keys.join('\n')}\n`;
}

function steps(n: number): string {
  const lines = Array.from({ length: n }, (_, i) => `    - {name: s${i}, type: claude, prompt: [{type: static, content: "{{steps.s${Math.max(0, i - 1)}.result}}"}]}`);
  return `workflow:\n  name: bench\n  steps:\n${lines.join('\n')}\n`;
}

function medianMs(text: string, runs: number): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const res = validateWorkflowText(text, allStepTypes);
    times.push(performance.now() - t0);
    if (res.verdict === 'yaml_error') throw new Error(`benchmark document refused: ${res.diagnostics[0]?.message}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function series(make: (n: number) => string) {
  validateWorkflowText(make(1000), allStepTypes); // warm-up
  const points = SIZES.map((n) => {
    const text = make(n);
    const ms = medianMs(text, n >= 100_000 ? 3 : 5);
    return { n, chars: text.length, ms: +ms.toFixed(1), us_per_item: +((ms * 1000) / n).toFixed(2) };
  });
  const scaling = points.slice(1).map((p, i) => +(p.ms / points[i].ms / 10).toFixed(2));
  // Against the 10^3 point: 10^2 is dominated by fixed costs.
  const ratio_1e5_vs_1e3_per_item = +(points[3].us_per_item / points[1].us_per_item).toFixed(2);
  return { points, scaling_per_decade: scaling, ratio_1e5_vs_1e3_per_item };
}

console.log(JSON.stringify({ unknown_root_keys: series(unknownKeys), steps: series(steps) }));
