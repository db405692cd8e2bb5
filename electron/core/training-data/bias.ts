import jStat from 'jstat';
import type { SignatureField, SignatureSpec } from '../../../shared/dspy/signature';
import { fieldSchema } from '../../../shared/dspy/json-schema';
import type { QualityItem } from './quality';
import { NEGATIVE_WORDS, POSITIVE_WORDS } from './sentiment-lexicon';
import { contentTokens, imbalance, textOf, tokens, wordCount } from './text';

export const BIAS_DIMENSIONS = ['class_balance', 'length_bias', 'topic_skew', 'sentiment_skew', 'temporal_skew'] as const;
export type BiasDimension = (typeof BIAS_DIMENSIONS)[number];
export type Severity = 'none' | 'low' | 'medium' | 'high';

/** Severity from a score in [0, 1]: < 0.1 none, < 0.25 low, < 0.5 medium, otherwise high. */
export const SEVERITY_THRESHOLDS = { low: 0.1, medium: 0.25, high: 0.5 } as const;

export function severityOf(score: number): Severity {
  if (score < SEVERITY_THRESHOLDS.low) return 'none';
  if (score < SEVERITY_THRESHOLDS.medium) return 'low';
  if (score < SEVERITY_THRESHOLDS.high) return 'medium';
  return 'high';
}

export interface BiasFinding {
  dimension: BiasDimension;
  /** 0 = no skew, 1 = fully skewed. */
  score: number;
  severity: Severity;
  measurable: boolean;
  finding: string;
  evidence: Record<string, unknown>;
}

export interface BiasReport {
  enabled: boolean;
  examples: number;
  dimensions: BiasFinding[];
  /** Mean score of the measurable dimensions (null when none is measurable). */
  score: number | null;
  severity: Severity;
  /** 1 - score: the quality dimension bias_score (higher is better). */
  biasScore: number | null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const notMeasurable = (dimension: BiasDimension, finding: string): BiasFinding => ({ dimension, score: 0, severity: 'none', measurable: false, finding, evidence: {} });
const found = (dimension: BiasDimension, score: number, finding: string, evidence: Record<string, unknown>): BiasFinding => ({
  dimension,
  score,
  severity: severityOf(score),
  measurable: true,
  finding,
  evidence,
});

/** Counts of values, most frequent first. */
function tally<T>(values: Iterable<T>): [T, number][] {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

/** Chi-square goodness of fit against a uniform spread over k classes (jstat). */
function uniformPValue(counts: number[], k: number): number | null {
  if (k < 2) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = n / k;
  const full = [...counts, ...new Array(Math.max(0, k - counts.length)).fill(0)];
  const chi = full.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return 1 - jStat.chisquare.cdf(chi, k - 1);
}

/** The output field that reads as a class: enum or boolean, else a string with <= 10 distinct values and at most half as many as examples. */
export function classField(spec: SignatureSpec, items: readonly QualityItem[]): { field: SignatureField; domain?: unknown[] } | undefined {
  for (const field of spec.output_fields) {
    const schema = fieldSchema(field);
    if (Array.isArray(schema.enum)) return { field, domain: schema.enum as unknown[] };
    if (schema.type === 'boolean') return { field, domain: [true, false] };
  }
  if (items.length < 4) return undefined;
  for (const field of spec.output_fields) {
    if ((field.type ?? 'string') !== 'string') continue;
    const distinct = new Set(items.map((i) => i.outputs[field.name]).filter((v) => typeof v === 'string'));
    if (distinct.size >= 1 && distinct.size <= 10 && distinct.size <= items.length / 2) return { field };
  }
  return undefined;
}

/**
 * class_balance = 1 - H / ln(k) over the class field's values (k = size of the enum, or distinct
 * values seen); without a class field, over the label states of labeled examples.
 */
export function classBalance(spec: SignatureSpec, items: readonly QualityItem[]): BiasFinding {
  const cf = classField(spec, items);
  if (cf) {
    const values = items.map((i) => i.outputs[cf.field.name]).filter((v) => v !== undefined && v !== null);
    if (values.length === 0) return notMeasurable('class_balance', `no example has a value for ${cf.field.name}`);
    const counts = tally(values.map((v) => JSON.stringify(v)));
    const k = cf.domain ? cf.domain.length : counts.length;
    const score = imbalance(counts.map((c) => c[1]), k);
    const [top, topN] = counts[0];
    return found('class_balance', score, `${pct(topN / values.length)} of examples have ${cf.field.name} = ${top}${k > counts.length ? ` (${k - counts.length} of ${k} classes never occur)` : ''}`, {
      field: cf.field.name,
      counts: Object.fromEntries(counts),
      classes: k,
      p_value_uniform: uniformPValue(counts.map((c) => c[1]), k),
    });
  }
  const labeled = items.filter((i) => i.labelState !== 'unlabeled');
  if (labeled.length < 2) return notMeasurable('class_balance', 'no class-like output field and fewer than 2 labeled examples');
  const counts = tally(labeled.map((i) => (i.labelState === 'corrected' ? 'accepted' : i.labelState)));
  const score = imbalance(counts.map((c) => c[1]), 2);
  return found('class_balance', score, `${pct(counts[0][1] / labeled.length)} of labeled examples are ${counts[0][0]}`, {
    labels: Object.fromEntries(counts),
    p_value_uniform: uniformPValue(counts.map((c) => c[1]), 2),
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * length_bias: words = word count of the outputs (of the inputs when outputs are empty);
 * t = median words of all examples; short = words < t. Score = |short share among accepted
 * (accepted + corrected) - short share among the others| where "others" are the rejected
 * examples, or the unlabeled ones when nothing is rejected.
 */
export function lengthBias(items: readonly QualityItem[]): BiasFinding {
  const words = items.map((i) => {
    const w = wordCount(i.outputs);
    return w > 0 ? w : wordCount(i.inputs);
  });
  const accepted = items.map((it, i) => [it, words[i]] as const).filter(([it]) => it.labelState === 'accepted' || it.labelState === 'corrected');
  let others = items.map((it, i) => [it, words[i]] as const).filter(([it]) => it.labelState === 'rejected');
  let othersName = 'rejected examples';
  if (others.length === 0) {
    others = items.map((it, i) => [it, words[i]] as const).filter(([it]) => it.labelState === 'unlabeled');
    othersName = 'unlabeled examples';
  }
  if (accepted.length === 0 || others.length === 0) return notMeasurable('length_bias', 'needs accepted examples and rejected (or unlabeled) ones to compare');
  const t = median(words);
  const shortShare = (g: readonly (readonly [QualityItem, number])[]) => g.filter(([, w]) => w < t).length / g.length;
  const a = shortShare(accepted);
  const o = shortShare(others);
  if (Math.min(...words) === Math.max(...words)) return notMeasurable('length_bias', `all examples have ${words[0]} words`);
  const score = Math.abs(a - o);
  const tw = Number.isInteger(t) ? t : t.toFixed(1);
  return found('length_bias', score, `${pct(a)} of accepted examples are shorter than ${tw} words, against ${pct(o)} of ${othersName}`, {
    median_words: t,
    accepted_short_share: a,
    others_short_share: o,
    compared_with: othersName,
  });
}

const TOPIC_FIELDS = ['topic', 'category', 'domain', 'intent'];

/**
 * topic_skew = 1 - H / ln(k) over topics, k = distinct topics (1 when there is one topic).
 * Topic: an input field named topic/category/domain/intent, else metadata.topic is not stored
 * here, so: the example's content token with the highest document frequency in the inputs,
 * leaving out tokens found in more than 90% of examples (they do not tell topics apart).
 */
export function topicSkew(spec: SignatureSpec, items: readonly QualityItem[]): BiasFinding {
  if (items.length < 2) return notMeasurable('topic_skew', 'fewer than 2 examples');
  const topicField = spec.input_fields.find((f) => TOPIC_FIELDS.includes(f.name.toLowerCase()));
  let topics: string[];
  let basis: string;
  if (topicField) {
    topics = items.map((i) => String(i.inputs[topicField.name] ?? '(none)'));
    basis = `input field ${topicField.name}`;
  } else {
    const sets = items.map((i) => contentTokens(i.inputs));
    const df = new Map<string, number>();
    for (const s of sets) for (const t of s) df.set(t, (df.get(t) ?? 0) + 1);
    const cap = items.length >= 10 ? 0.9 * items.length : Infinity;
    topics = sets.map((s) => {
      let best = '(none)';
      let bestDf = 0;
      for (const t of s) {
        const d = df.get(t)!;
        if (d > cap) continue;
        if (d > bestDf || (d === bestDf && t < best)) {
          best = t;
          bestDf = d;
        }
      }
      return best;
    });
    basis = 'most frequent keyword of the inputs';
  }
  const counts = tally(topics);
  const score = imbalance(counts.map((c) => c[1]), counts.length);
  return found('topic_skew', score, `${pct(counts[0][1] / items.length)} of examples are about "${counts[0][0]}" (${counts.length} topics; topic = ${basis})`, {
    topics: Object.fromEntries(counts.slice(0, 20)),
    distinct_topics: counts.length,
    basis,
  });
}

/** Sentiment of a text: positive lexicon hits minus negative hits; > 0 positive, < 0 negative. */
export function sentimentOf(value: unknown): 'positive' | 'negative' | 'neutral' {
  let s = 0;
  for (const t of tokens(textOf(value))) {
    if (POSITIVE_WORDS.has(t)) s += 1;
    else if (NEGATIVE_WORDS.has(t)) s -= 1;
  }
  return s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral';
}

/** sentiment_skew = |positive - negative| / examples, sentiment read from inputs and outputs together. */
export function sentimentSkew(items: readonly QualityItem[]): BiasFinding {
  if (items.length === 0) return notMeasurable('sentiment_skew', 'no examples');
  const counts = { positive: 0, negative: 0, neutral: 0 };
  for (const it of items) counts[sentimentOf([it.inputs, it.outputs])] += 1;
  const n = items.length;
  const score = Math.abs(counts.positive - counts.negative) / n;
  return found('sentiment_skew', score, `${pct(counts.positive / n)} of examples read as positive, ${pct(counts.negative / n)} as negative, ${pct(counts.neutral / n)} neutral`, counts);
}

/** temporal_skew = 1 - H / ln(b) over b = min(10, examples) equal-width bins of observed_at. */
export function temporalSkew(items: readonly QualityItem[]): BiasFinding {
  if (items.length < 2) return notMeasurable('temporal_skew', 'fewer than 2 examples');
  const times = items.map((i) => new Date(i.observedAt).getTime());
  const min = Math.min(...times);
  const max = Math.max(...times);
  if (max === min) return notMeasurable('temporal_skew', 'all examples share one timestamp');
  const bins = Math.min(10, items.length);
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.floor(((t - min) / (max - min)) * bins))] += 1;
  const score = imbalance(counts, bins);
  let top = 0;
  counts.forEach((c, i) => (c > counts[top] ? (top = i) : undefined));
  const from = new Date(min + ((max - min) * top) / bins).toISOString().slice(0, 10);
  const to = new Date(min + ((max - min) * (top + 1)) / bins).toISOString().slice(0, 10);
  return found('temporal_skew', score, `${pct(counts[top] / items.length)} of examples were observed between ${from} and ${to} (${top + 1}. of ${bins} equal periods from ${new Date(min).toISOString().slice(0, 10)} to ${new Date(max).toISOString().slice(0, 10)})`, {
    bins: counts,
    first: new Date(min).toISOString(),
    last: new Date(max).toISOString(),
  });
}

/** Runs every bias check (or reports disabled when `bias_detection` is off). */
export function detectBias(spec: SignatureSpec, items: readonly QualityItem[], enabled = true): BiasReport {
  if (!enabled) return { enabled: false, examples: items.length, dimensions: [], score: null, severity: 'none', biasScore: null };
  const dimensions = [classBalance(spec, items), lengthBias(items), topicSkew(spec, items), sentimentSkew(items), temporalSkew(items)];
  const measured = dimensions.filter((d) => d.measurable);
  const score = measured.length ? measured.reduce((s, d) => s + d.score, 0) / measured.length : null;
  const order: Severity[] = ['none', 'low', 'medium', 'high'];
  const severity = measured.reduce<Severity>((s, d) => (order.indexOf(d.severity) > order.indexOf(s) ? d.severity : s), 'none');
  return { enabled: true, examples: items.length, dimensions, score, severity, biasScore: score === null ? null : 1 - score };
}
