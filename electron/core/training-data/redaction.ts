import type { RedactionSettings } from './settings';

/** Patterns replaced before storage. Each match becomes [REDACTED:<kind>]. */
export const REDACTION_PATTERNS = {
  email: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
  // Provider key shapes (OpenAI/Anthropic sk-..., Google AIza..., GitHub ghp_/gho_/ghs_..., AWS AKIA..., Slack xox?-...),
  // "Bearer <token>", and key=value / key: value assignments for api_key, token, secret, password.
  api_key:
    /\b(?:sk-(?:ant-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,})|\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*|\b(?:api[_-]?key|access[_-]?token|secret|password|token)\b\s*[:=]\s*["']?[^\s"',;]{8,}/gi,
  // +CC and separators, (area) codes, or 3-3-4 groups; at least 9 digits overall.
  phone: /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w])/g,
} as const;

export interface RedactionResult<T> {
  value: T;
  count: number;
}

/** Redacts string leaves of JSON values according to the settings. */
export class Redactor {
  private readonly rules: { kind: string; re: RegExp; digitsOnly?: boolean; pre?: RegExp }[] = [];
  private readonly screen?: RegExp;

  constructor(settings: RedactionSettings) {
    if (settings.api_keys) this.rules.push({ kind: 'api_key', re: REDACTION_PATTERNS.api_key, pre: /sk-|AIza|gh[pousr]_|AKIA|xox|bearer|key|token|secret|password/i });
    if (settings.emails) this.rules.push({ kind: 'email', re: REDACTION_PATTERNS.email, pre: /@/ });
    // every phone match ends in a digit, a separator and at least three digits
    if (settings.phones) this.rules.push({ kind: 'phone', re: REDACTION_PATTERNS.phone, digitsOnly: true, pre: /\d[\s.-]\d{3}/ });
    for (const c of settings.custom) this.rules.push({ kind: c.name, re: new RegExp(c.pattern, 'g') });
    // One scan over a string instead of one per rule: the union of the rules' cheap tests (case-insensitive
    // only widens it). A string it does not match matches no rule's test, so no rule can change it.
    if (this.rules.length && this.rules.every((r) => r.pre)) this.screen = new RegExp(this.rules.map((r) => `(?:${r.pre!.source})`).join('|'), 'i');
  }

  get enabled(): boolean {
    return this.rules.length > 0;
  }

  redactString(text: string): RedactionResult<string> {
    if (this.screen && !this.screen.test(text)) return { value: text, count: 0 };
    let count = 0;
    let out = text;
    for (const rule of this.rules) {
      if (rule.pre && !rule.pre.test(out)) continue;
      rule.re.lastIndex = 0;
      if (!rule.re.test(out)) continue;
      rule.re.lastIndex = 0;
      out = out.replace(rule.re, (m) => {
        if (rule.digitsOnly && m.replace(/\D/g, '').length < 9) return m;
        count += 1;
        return `[REDACTED:${rule.kind}]`;
      });
    }
    return { value: out, count };
  }

  redact<T>(value: T): RedactionResult<T> {
    if (!this.enabled) return { value, count: 0 };
    let count = 0;
    // returns the same object when nothing changed (no copying on the common path)
    const screen = this.screen;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        if (screen && !screen.test(v)) return v;
        const r = this.redactString(v);
        count += r.count;
        return r.value;
      }
      if (Array.isArray(v)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const x = walk(v[i]);
          if (x !== v[i]) (copy ??= [...v])[i] = x;
        }
        return copy ?? v;
      }
      if (v && typeof v === 'object') {
        let copy: Record<string, unknown> | undefined;
        for (const k of Object.keys(v)) {
          const old = (v as Record<string, unknown>)[k];
          const x = walk(old);
          if (x !== old) (copy ??= { ...(v as Record<string, unknown>) })[k] = x;
        }
        return copy ?? v;
      }
      return v;
    };
    const out = walk(value) as T;
    return { value: out, count };
  }
}
