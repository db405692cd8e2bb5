/**
 * Estimate vs actual: LM calls the estimator expects against the calls the runtime really made, for
 * bootstrap_few_shot, copro and mipro light on the sample project's toy data (simulated LM).
 */
import { estimateVsActual } from '../test/support/estimate-vs-actual';

const rows = await estimateVsActual();
for (const r of rows) process.stderr.write(`${r.strategy}: ${r.train} train / ${r.dev} dev, estimated ${r.estimated} calls, made ${r.actual}, ratio ${r.ratio}; input tokens estimated ${r.tokens.estimated.input}, measured ${r.tokens.actual.input}, ratio ${r.tokens.inputRatio}\n`);
process.stdout.write(`${JSON.stringify({ estimate_vs_actual: rows })}\n`);
