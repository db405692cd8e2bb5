/**
 * A share in [0, 1] as a percentage that never rounds to a contradiction: a share below 1 never
 * reads "100%" and a share above 0 never reads "0%" (more digits, up to 2 extra, then "<" / ">").
 */
export function formatPercent(x: number, digits = 0): string {
  for (let d = digits; d <= digits + 2; d++) {
    const text = (x * 100).toFixed(d);
    const shown = Number(text);
    if ((x < 1 && shown >= 100) || (x > 0 && shown <= 0)) continue;
    return `${text}%`;
  }
  const step = 10 ** -(digits + 2);
  return x > 0.5 ? `>${(100 - step).toFixed(digits + 2)}%` : `<${step.toFixed(digits + 2)}%`;
}
