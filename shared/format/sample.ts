/** How a bounded sample of a larger dataset is named wherever it is shown (GUI, CLI, reports). */
export function formatSample(sample: { size: number; of: number }): string {
  return `${sample.size.toLocaleString('en-US')} of ${sample.of.toLocaleString('en-US')} examples, stratified sample`;
}
