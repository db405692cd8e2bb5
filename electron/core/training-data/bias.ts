import jStat from 'jstat';
import { formatPercent } from '../../../shared/format/percent';
import type { SignatureField, SignatureSpec } from '../../../shared/dspy/signature';
import { fieldSchema } from '../../../shared/dspy/json-schema';
import type { QualityItem } from './quality';
import { NEGATIVE_WORDS, POSITIVE_WORDS } from './sentiment-lexicon';
import { contentTokens, imbalance, textOf, TokenBuffer, tokens, wordCount } from './text';

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
  /** From a sample: the score is an estimate ± this half-width of a 95% confidence interval (delta method). */
  interval?: number;
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
  /** Present when the findings come from a uniform sample of `size` of the dataset's `of` examples. */
  sample?: { size: number; of: number; confidence: 0.95 };
}

const pct = formatPercent;
const notMeasurable = (dimension: BiasDimension, finding: string): BiasFinding => ({ dimension, score: 0, severity: 'none', measurable: false, finding, evidence: {} });
const found = (dimension: BiasDimension, score: number, finding: string, evidence: Record<string, unknown>): BiasFinding => ({
  dimension,
  score,
  severity: severityOf(score),
  measurable: true,
  finding,
  evidence,
});

/** Finite-population correction of a sample of n from N (1 without a population). */
function fpc(n: number, N: number | undefined): number {
  return N === undefined || N <= 1 ? 1 : Math.sqrt(Math.max(0, (N - n) / (N - 1)));
}

/** 95% half-width of 1 - H/ln k estimated from counts: Var(H) ~ (sum p ln^2 p - H^2) / n. */
function imbalanceInterval(counts: readonly number[], k: number, N: number | undefined): number | undefined {
  if (N === undefined || k <= 1) return undefined;
  const n = counts.reduce((a, b) => a + b, 0);
  if (n < 2) return undefined;
  let h = 0;
  let h2 = 0;
  for (const c of counts) {
    if (c <= 0) continue;
    const p = c / n;
    h -= p * Math.log(p);
    h2 += p * Math.log(p) ** 2;
  }
  return (1.96 * Math.sqrt(Math.max(0, h2 - h * h) / n) * fpc(n, N)) / Math.log(k);
}

/** Counts of values, most frequent first. */
function sorted<T>(m: Map<T, number>): [T, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

function bump<T>(m: Map<T, number>, k: T): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Chi-square goodness of fit against a uniform spread over k classes (jstat); classes never seen count 0. */
function uniformPValue(counts: number[], k: number): number | null {
  if (k < 2) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = n / k;
  let chi = Math.max(0, k - counts.length) * expected;
  for (const c of counts) chi += (c - expected) ** 2 / expected;
  return 1 - jStat.chisquare.cdf(chi, k - 1);
}

function finiteDomain(field: SignatureField): unknown[] | undefined {
  const schema = fieldSchema(field);
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if (schema.type === 'boolean') return [true, false];
  return undefined;
}

/** A string output field stops being a class candidate past this many distinct values, or with a longer value. */
const MAX_CLASSES = 10;
const MAX_CLASS_WORDS = 3;
const TOPIC_FIELDS = ['topic', 'category', 'domain', 'intent'];
type LabelGroup = 0 | 1 | 2; // accepted or corrected, rejected, unlabeled

/** Sentiment of a text: positive lexicon hits minus negative hits; > 0 positive, < 0 negative. */
export function sentimentOf(value: unknown): 'positive' | 'negative' | 'neutral' {
  let s = 0;
  for (const t of tokens(textOf(value))) {
    if (POSITIVE_WORDS.has(t)) s += 1;
    else if (NEGATIVE_WORDS.has(t)) s -= 1;
  }
  return s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral';
}

function median(xs: Float64Array): number {
  const s = xs.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The bias detector fed one example at a time: keeps counts, a few numbers per example and the
 * content-token ids of the inputs (for topics), never the examples themselves.
 */
export class BiasAccumulator {
  private n = 0;
  /** The class field when the signature gives its domain (first output field with an enum or boolean). */
  private readonly domainField?: { field: SignatureField; domain: unknown[]; counts: Map<string, number> };
  /** String output fields that may read as a class: value counts until they pass MAX_CLASSES distinct strings. */
  private readonly candidates: { field: SignatureField; counts: Map<string, number>; strings: number; alive: boolean }[] = [];
  private readonly labels = new Map<string, number>();
  private readonly group: LabelGroup[] = [];
  private readonly inputWords: number[] = [];
  /** Word counts per free-text output field (no finite domain), by example. */
  private readonly outputWords: { name: string; words: number[] }[] = [];
  private readonly topicField?: SignatureField;
  private readonly topics = new Map<string, number>();
  private readonly topicTokens = new TokenBuffer();
  private readonly tokenIds = new Map<string, number>();
  private readonly tokenNames: string[] = [];
  private readonly df: number[] = [];
  private readonly sentiment = { positive: 0, negative: 0, neutral: 0 };
  private readonly times: number[] = [];

  /** population: the examples are a uniform sample of a dataset this large (findings carry intervals). */
  constructor(
    private readonly spec: SignatureSpec,
    private readonly population?: number,
  ) {
    for (const field of spec.output_fields) {
      const domain = finiteDomain(field);
      if (domain && !this.domainField) this.domainField = { field, domain, counts: new Map() };
      if (!domain) this.outputWords.push({ name: field.name, words: [] });
      if (!domain && (field.type ?? 'string') === 'string') this.candidates.push({ field, counts: new Map(), strings: 0, alive: true });
    }
    this.topicField = spec.input_fields.find((f) => TOPIC_FIELDS.includes(f.name.toLowerCase()));
  }

  add(it: QualityItem): void {
    this.n += 1;
    if (this.domainField) {
      const v = it.outputs[this.domainField.field.name];
      if (v !== undefined && v !== null) bump(this.domainField.counts, JSON.stringify(v));
    }
    for (const c of this.candidates) {
      if (!c.alive) continue;
      const v = it.outputs[c.field.name];
      if (v === undefined || v === null) continue;
      const k = JSON.stringify(v);
      if (typeof v === 'string' && !c.counts.has(k)) {
        c.strings += 1;
        if (c.strings > MAX_CLASSES || wordCount(v) > MAX_CLASS_WORDS) c.alive = false;
      }
      bump(c.counts, k);
    }
    if (it.labelState !== 'unlabeled') bump(this.labels, it.labelState === 'corrected' ? 'accepted' : it.labelState);
    this.group.push(it.labelState === 'accepted' || it.labelState === 'corrected' ? 0 : it.labelState === 'rejected' ? 1 : 2);
    this.inputWords.push(wordCount(it.inputs));
    for (const o of this.outputWords) o.words.push(wordCount(it.outputs[o.name]));
    if (this.topicField) bump(this.topics, String(it.inputs[this.topicField.name] ?? '(none)'));
    else {
      const set = contentTokens(it.inputs);
      const at = this.topicTokens.reserve(set.size);
      let k = 0;
      for (const t of set) {
        let id = this.tokenIds.get(t);
        if (id === undefined) {
          id = this.tokenNames.length;
          this.tokenIds.set(t, id);
          this.tokenNames.push(t);
          this.df.push(0);
        }
        this.df[id] += 1;
        this.topicTokens.data[at + k++] = id;
      }
      this.topicTokens.commit(k);
    }
    this.sentiment[sentimentOf([it.inputs, it.outputs])] += 1;
    this.times.push(new Date(it.observedAt).getTime());
  }

  result(enabled = true): BiasReport {
    if (!enabled) return { enabled: false, examples: this.n, dimensions: [], score: null, severity: 'none', biasScore: null };
    const cls = this.classField();
    const dimensions = [this.classBalance(cls), this.lengthBias(cls), this.topicSkew(), this.sentimentSkew(), this.temporalSkew()];
    const measured = dimensions.filter((d) => d.measurable);
    const score = measured.length ? measured.reduce((s, d) => s + d.score, 0) / measured.length : null;
    const order: Severity[] = ['none', 'low', 'medium', 'high'];
    const severity = measured.reduce<Severity>((s, d) => (order.indexOf(d.severity) > order.indexOf(s) ? d.severity : s), 'none');
    const sample = this.population === undefined ? {} : { sample: { size: this.n, of: this.population, confidence: 0.95 as const } };
    return { enabled: true, examples: this.population ?? this.n, dimensions, score, severity, biasScore: score === null ? null : 1 - score, ...sample };
  }

  private withInterval(f: BiasFinding, interval: number | undefined): BiasFinding {
    return interval === undefined ? f : { ...f, interval };
  }

  /** The output field that reads as a class: enum or boolean, else a string with <= 10 distinct values of <= 3 words and at most half as many as examples. */
  private classField(): { field: SignatureField; domain?: unknown[]; counts: Map<string, number> } | undefined {
    if (this.domainField) return this.domainField;
    if (this.n < 4) return undefined;
    return this.candidates.find((c) => c.alive && c.strings >= 1 && c.strings <= this.n / 2);
  }

  /**
   * class_balance = 1 - H / ln(k) over the class field's values (k = size of the enum, or distinct
   * values seen); without a class field, over the label states of labeled examples.
   */
  private classBalance(cf: ReturnType<BiasAccumulator['classField']>): BiasFinding {
    if (cf) {
      const counts = sorted(cf.counts);
      const total = counts.reduce((s, c) => s + c[1], 0);
      if (total === 0) return notMeasurable('class_balance', `no example has a value for ${cf.field.name}`);
      const k = cf.domain ? cf.domain.length : counts.length;
      const score = imbalance(counts.map((c) => c[1]), k);
      const [top, topN] = counts[0];
      const interval = imbalanceInterval(counts.map((c) => c[1]), k, this.population);
      return this.withInterval(found('class_balance', score, `${pct(topN / total)} of examples have ${cf.field.name} = ${top}${k > counts.length ? ` (${k - counts.length} of ${k} classes never occur)` : ''}`, {
        field: cf.field.name,
        counts: Object.fromEntries(counts),
        classes: k,
        p_value_uniform: uniformPValue(counts.map((c) => c[1]), k),
      }), interval);
    }
    const counts = sorted(this.labels);
    const labeled = counts.reduce((s, c) => s + c[1], 0);
    if (labeled < 2) return notMeasurable('class_balance', 'no class-like output field and fewer than 2 labeled examples');
    const score = imbalance(counts.map((c) => c[1]), 2);
    return this.withInterval(found('class_balance', score, `${pct(counts[0][1] / labeled)} of labeled examples are ${counts[0][0]}`, {
      labels: Object.fromEntries(counts),
      p_value_uniform: uniformPValue(counts.map((c) => c[1]), 2),
    }), imbalanceInterval(counts.map((c) => c[1]), 2, this.population));
  }

  /**
   * length_bias: words = word count of the free-text outputs (output fields that are neither the
   * class field nor of a finite domain; the inputs when there are none, or for an example whose
   * free-text outputs are empty); t = median words; short = words < t. Score = |short share among
   * accepted (accepted + corrected) - short share among the others| where "others" are the
   * rejected examples, or the unlabeled ones when nothing is rejected.
   */
  private lengthBias(cf: ReturnType<BiasAccumulator['classField']>): BiasFinding {
    const text = this.outputWords.filter((o) => o.name !== cf?.field.name);
    const n = this.n;
    const words = new Float64Array(n);
    let fromInputs = 0;
    for (let i = 0; i < n; i++) {
      let w = 0;
      for (const o of text) w += o.words[i];
      if (w === 0) {
        w = this.inputWords[i];
        fromInputs += 1;
      }
      words[i] = w;
    }
    const measuredOn = text.length === 0 || fromInputs === n ? 'inputs' : fromInputs === 0 ? text.map((o) => o.name).join(' + ') : `${text.map((o) => o.name).join(' + ')} (inputs where empty)`;
    const groups = [0, 0, 0];
    for (const g of this.group) groups[g] += 1;
    const other: LabelGroup = groups[1] > 0 ? 1 : 2;
    const othersName = other === 1 ? 'rejected examples' : 'unlabeled examples';
    if (groups[0] === 0 || groups[other] === 0) return notMeasurable('length_bias', 'needs accepted examples and rejected (or unlabeled) ones to compare');
    let min = Infinity;
    let max = -Infinity;
    for (const w of words) {
      if (w < min) min = w;
      if (w > max) max = w;
    }
    if (min === max) return notMeasurable('length_bias', `all examples have ${min} words (${measuredOn})`);
    const t = median(words);
    const short = [0, 0, 0];
    for (let i = 0; i < n; i++) if (words[i] < t) short[this.group[i]] += 1;
    const a = short[0] / groups[0];
    const o = short[other] / groups[other];
    const score = Math.abs(a - o);
    const tw = Number.isInteger(t) ? t : t.toFixed(1);
    const interval = this.population === undefined ? undefined : 1.96 * Math.sqrt((a * (1 - a)) / groups[0] + (o * (1 - o)) / groups[other]) * fpc(n, this.population);
    return this.withInterval(found('length_bias', score, `${pct(a)} of accepted examples are shorter than ${tw} words (${measuredOn}), against ${pct(o)} of ${othersName}`, {
      measured_on: measuredOn,
      median_words: t,
      accepted_short_share: a,
      others_short_share: o,
      compared_with: othersName,
    }), interval);
  }

  /**
   * topic_skew = 1 - H / ln(k) over topics, k = distinct topics (1 when there is one topic). The topic is an
   * input field named topic/category/domain/intent, else the example's content token with the highest
   * document frequency, ignoring tokens in more than 90% of the examples (with 10 or more examples).
   */
  private topicSkew(): BiasFinding {
    if (this.n < 2) return notMeasurable('topic_skew', 'fewer than 2 examples');
    let topics = this.topics;
    let basis = `input field ${this.topicField?.name}`;
    if (!this.topicField) {
      topics = new Map();
      const cap = this.n >= 10 ? 0.9 * this.n : Infinity;
      const { data, offsets } = this.topicTokens;
      for (let i = 0; i < this.n; i++) {
        let best = -1;
        let bestDf = 0;
        for (let x = offsets[i]; x < offsets[i + 1]; x++) {
          const id = data[x];
          const d = this.df[id];
          if (d > cap) continue;
          if (d > bestDf || (d === bestDf && this.tokenNames[id] < this.tokenNames[best])) {
            best = id;
            bestDf = d;
          }
        }
        bump(topics, best === -1 ? '(none)' : this.tokenNames[best]);
      }
      basis = 'most frequent keyword of the inputs';
    }
    const counts = sorted(topics);
    const score = imbalance(counts.map((c) => c[1]), counts.length);
    return this.withInterval(found('topic_skew', score, `${pct(counts[0][1] / this.n)} of examples are about "${counts[0][0]}" (${counts.length} topics; topic = ${basis})`, {
      topics: Object.fromEntries(counts.slice(0, 20)),
      distinct_topics: counts.length,
      basis,
    }), imbalanceInterval(counts.map((c) => c[1]), counts.length, this.population));
  }

  /** sentiment_skew = |positive - negative| / examples, sentiment read from inputs and outputs together. */
  private sentimentSkew(): BiasFinding {
    const n = this.n;
    if (n === 0) return notMeasurable('sentiment_skew', 'no examples');
    const c = this.sentiment;
    const d = (c.positive - c.negative) / n;
    const interval = this.population === undefined ? undefined : 1.96 * Math.sqrt(Math.max(0, (c.positive + c.negative) / n - d * d) / n) * fpc(n, this.population);
    return this.withInterval(found('sentiment_skew', Math.abs(d), `${pct(c.positive / n)} of examples read as positive, ${pct(c.negative / n)} as negative, ${pct(c.neutral / n)} neutral`, { ...c }), interval);
  }

  /** temporal_skew = 1 - H / ln(b) over b = min(10, examples) equal-width bins of observed_at. */
  private temporalSkew(): BiasFinding {
    const n = this.n;
    if (n < 2) return notMeasurable('temporal_skew', 'fewer than 2 examples');
    let min = Infinity;
    let max = -Infinity;
    for (const t of this.times) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (max === min) return notMeasurable('temporal_skew', 'all examples share one timestamp');
    const bins = Math.min(10, n);
    const counts = new Array<number>(bins).fill(0);
    for (const t of this.times) counts[Math.min(bins - 1, Math.floor(((t - min) / (max - min)) * bins))] += 1;
    const score = imbalance(counts, bins);
    const interval = imbalanceInterval(counts, bins, this.population);
    let top = 0;
    counts.forEach((c, i) => (c > counts[top] ? (top = i) : undefined));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const from = day(min + ((max - min) * top) / bins);
    const to = day(min + ((max - min) * (top + 1)) / bins);
    return this.withInterval(found('temporal_skew', score, `${pct(counts[top] / n)} of examples were observed between ${from} and ${to} (${top + 1}. of ${bins} equal periods from ${day(min)} to ${day(max)})`, {
      bins: counts,
      first: new Date(min).toISOString(),
      last: new Date(max).toISOString(),
    }), interval);
  }
}

/** Runs every bias check (or reports disabled when `bias_detection` is off). */
export function detectBias(spec: SignatureSpec, items: readonly QualityItem[], enabled = true): BiasReport {
  const acc = new BiasAccumulator(spec);
  if (enabled) for (const it of items) acc.add(it);
  return { ...acc.result(enabled), examples: items.length };
}
