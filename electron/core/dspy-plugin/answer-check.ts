/**
 * Answers a model gave that parse but hold nothing usable: no value in any output field, a field
 * placeholder where the value belongs, or the input repeated. A small model does this often; such an
 * answer is a failure of the DSPy path, not a result.
 */
export function unusableAnswer(outputs: Record<string, unknown>, inputs: Record<string, unknown>, outputFields: string[]): string | undefined {
  const values = outputFields.map((f) => outputs[f]);
  if (values.every((v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === ''))) {
    return `no value for any output field (${outputFields.join(', ')})`;
  }
  for (const f of outputFields) {
    const v = outputs[f];
    if (typeof v !== 'string') continue;
    const placeholder = outputFields.find((name) => new RegExp(`^\\s*(\\{\\{?\\s*${name}\\s*\\}?\\}|\\[\\[ ## ${name} ## \\]\\]|<${name}>)\\s*$`).test(v));
    if (placeholder) return `output ${f} is the placeholder ${JSON.stringify(v.trim())}, not a value`;
    const echoed = Object.entries(inputs).find(([, iv]) => typeof iv === 'string' && iv.trim().length >= 20 && iv.trim() === v.trim());
    if (echoed) return `output ${f} repeats the input ${echoed[0]}`;
  }
  return undefined;
}
