import type { MetricsSummary } from './metrics';

export type AlertSeverity = 'warning' | 'critical';
export type AlertMetric = 'error_rate' | 'response_time';

/** The required alert thresholds: error rate 0.01 / 0.02, response time (p95 latency) 5000 / 10000 ms. */
export const ALERT_THRESHOLDS: Record<AlertMetric, Record<AlertSeverity, number>> = {
  error_rate: { warning: 0.01, critical: 0.02 },
  response_time: { warning: 5000, critical: 10000 },
};

export interface Alert {
  metric: AlertMetric;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  message: string;
  raisedAt: number;
  updatedAt: number;
  resolvedAt?: number;
}

export type AlertChangeType = 'raised' | 'escalated' | 'deescalated' | 'resolved';
export interface AlertChange { type: AlertChangeType; alert: Alert }

export interface AlertManagerOptions {
  thresholds?: Partial<Record<AlertMetric, Record<AlertSeverity, number>>>;
  /** Executions in the window before any alert is judged (one failure out of three is no signal). */
  minExecutions?: number;
}

/** Raises one alert per metric at a time (dedup), escalates or de-escalates it, and resolves it when the value recovers. */
export class AlertManager {
  private readonly thresholds: Record<AlertMetric, Record<AlertSeverity, number>>;
  private readonly minExecutions: number;
  private readonly activeAlerts = new Map<AlertMetric, Alert>();
  private readonly resolved: Alert[] = [];

  constructor(opts: AlertManagerOptions = {}) {
    this.thresholds = { ...ALERT_THRESHOLDS, ...opts.thresholds };
    this.minExecutions = opts.minExecutions ?? 20;
  }

  /** Compares a summary with the thresholds; returns only what changed. */
  evaluate(summary: MetricsSummary, now: number): AlertChange[] {
    if (summary.executions < this.minExecutions) return [];
    const values: Record<AlertMetric, number> = { error_rate: summary.errorRate, response_time: summary.latencyMs.p95 };
    const changes: AlertChange[] = [];
    for (const metric of Object.keys(values) as AlertMetric[]) {
      const value = values[metric];
      const t = this.thresholds[metric];
      const severity: AlertSeverity | undefined = value > t.critical ? 'critical' : value > t.warning ? 'warning' : undefined;
      const current = this.activeAlerts.get(metric);
      if (!severity) {
        if (current) {
          const done = { ...current, value, updatedAt: now, resolvedAt: now };
          this.activeAlerts.delete(metric);
          this.resolved.push(done);
          changes.push({ type: 'resolved', alert: done });
        }
        continue;
      }
      const message = `${metric === 'error_rate' ? 'error rate' : 'p95 response time'} ${metric === 'error_rate' ? value.toFixed(4) : `${Math.round(value)} ms`} > ${severity} threshold ${t[severity]}`;
      const alert: Alert = { metric, severity, value, threshold: t[severity], message, raisedAt: current?.raisedAt ?? now, updatedAt: now };
      this.activeAlerts.set(metric, alert);
      if (!current) changes.push({ type: 'raised', alert });
      else if (current.severity !== severity) changes.push({ type: severity === 'critical' ? 'escalated' : 'deescalated', alert });
    }
    return changes;
  }

  active(): Alert[] { return [...this.activeAlerts.values()]; }
  history(): readonly Alert[] { return this.resolved; }
}
