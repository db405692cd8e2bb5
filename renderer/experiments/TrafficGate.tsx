/** Says when the configuration keeps every run away from experiments, and offers to turn the switches on. */
import { useCallback, useEffect, useState } from 'react';
import { studio } from '../api/client';
import { attempt } from '../tuning/common';

type Switches = { experimentEnabled: boolean; abTesting: boolean };

function switchesOf(config: Record<string, unknown>): Switches {
  const section = (k: string) => (config[k] ?? {}) as Record<string, unknown>;
  return { experimentEnabled: section('deployment').experiment_enabled === true, abTesting: section('monitoring').ab_testing === true };
}

export function TrafficGate() {
  const [switches, setSwitches] = useState<Switches | null>(null);
  const load = useCallback(async () => {
    const r = await attempt(() => studio.call('config.get', {}), 'Configuration');
    if (r) setSwitches(switchesOf(r.config));
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  if (!switches || (switches.experimentEnabled && switches.abTesting)) return null;
  const off = [!switches.experimentEnabled && 'deployment.experiment_enabled', !switches.abTesting && 'monitoring.ab_testing'].filter(Boolean).join(' and ');
  const turnOn = async () => {
    const patch = { ...(!switches.experimentEnabled && { deployment: { experiment_enabled: true } }), ...(!switches.abTesting && { monitoring: { ab_testing: true } }) };
    const r = await attempt(() => studio.call('config.update', { patch }), 'Configuration');
    if (r) setSwitches(switchesOf(r.config));
  };
  return (
    <div className="warning-banner gate" role="alert" data-testid="experiment-gate">
      <span>
        <strong>Experiments get no traffic.</strong> The feature {off.includes(' and ') ? 'flags' : 'flag'} <span className="mono">{off}</span> {off.includes(' and ') ? 'are' : 'is'} off, so runs
        from the designer, the CLI and pipeline_ex execute as if no experiment existed and no arm collects outcomes.
      </span>
      <button type="button" className="btn primary" onClick={() => void turnOn()} data-testid="experiment-gate-enable">
        Turn {off.includes(' and ') ? 'them' : 'it'} on
      </button>
    </div>
  );
}
