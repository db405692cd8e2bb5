/** Formatting of the tuning screens' figures and values (pure: no DOM, no host). */
import { formatPercent } from '../../shared/format/percent';

export const fmtPct = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : formatPercent(x, digits));
export const fmtNum = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const fmtUsd = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x === 0 ? '$0' : x < 0.01 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);
export const fmtMs = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`);
export const fmtP = (p: number | null | undefined): string => (p === null || p === undefined || !Number.isFinite(p) ? '—' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
export const valueText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
