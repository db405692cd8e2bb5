import type { DeploymentPhase } from '../deployment/phases';
import type { FeatureFlag } from '../deployment/rollout';
import type { Alert } from './alerts';
import type { MetricsSummary } from './metrics';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ComponentHealth {
  name: string;
  status: HealthStatus;
  detail: string;
}

export interface PluginHealthReport {
  status: HealthStatus;
  checkedAt: number;
  components: ComponentHealth[];
  metrics: Pick<MetricsSummary, 'executions' | 'successRate' | 'errorRate' | 'latencyMs' | 'cache' | 'fallback'>;
  alerts: Alert[];
  deployment: { phase: DeploymentPhase; rolloutPercentage: number };
  featureFlags: Record<FeatureFlag, boolean>;
}

export interface HealthInput {
  now: number;
  /** started: false until the first DSPy step, optimization or comparison asks for the pool. */
  pythonBridge: { started: boolean; ready: boolean; workers: number; poolSize: number; restarts: number };
  summary: MetricsSummary;
  alerts: Alert[];
  deployment: { phase: DeploymentPhase; rolloutPercentage: number };
  featureFlags: Record<FeatureFlag, boolean>;
}

function bridgeDetail(pb: HealthInput['pythonBridge']): string {
  if (!pb.started) return 'not started: it starts on the first DSPy step, optimization or comparison';
  if (!pb.ready) return 'no worker ready: DSPy steps fall back to traditional execution until one is';
  return `${pb.workers}/${pb.poolSize} workers, ${pb.restarts} restarts`;
}

const worst = (xs: HealthStatus[]): HealthStatus => (xs.includes('unhealthy') ? 'unhealthy' : xs.includes('degraded') ? 'degraded' : 'healthy');

/**
 * The Python side being down only degrades the plugin: traditional steps keep running from the host.
 * A critical alert makes it unhealthy; a warning degrades it.
 */
export function buildHealthReport(input: HealthInput): PluginHealthReport {
  const { pythonBridge: pb, summary, alerts } = input;
  // A pool not started yet is not a fault: it starts on first use.
  const bridgeStatus: HealthStatus = pb.started && (!pb.ready || pb.workers < pb.poolSize) ? 'degraded' : 'healthy';
  const alertStatus: HealthStatus = alerts.some((a) => a.severity === 'critical') ? 'unhealthy' : alerts.length ? 'degraded' : 'healthy';
  const components: ComponentHealth[] = [
    { name: 'python_bridge', status: bridgeStatus, detail: bridgeDetail(pb) },
    { name: 'alerts', status: alertStatus, detail: alerts.length ? alerts.map((a) => `${a.severity}: ${a.message}`).join('; ') : 'no active alerts' },
  ];
  return {
    status: worst(components.map((c) => c.status)),
    checkedAt: input.now,
    components,
    metrics: { executions: summary.executions, successRate: summary.successRate, errorRate: summary.errorRate, latencyMs: summary.latencyMs, cache: summary.cache, fallback: summary.fallback },
    alerts,
    deployment: input.deployment,
    featureFlags: input.featureFlags,
  };
}
