/** Which screen is shown, and the signature the tuning screens work on. */
import { create } from 'zustand';

export type View = 'design' | 'data' | 'optimize' | 'compare' | 'experiments' | 'monitor' | 'settings';
export const VIEWS: { id: View; label: string; key: string }[] = [
  { id: 'design', label: 'Design', key: '1' },
  { id: 'data', label: 'Data', key: '2' },
  { id: 'optimize', label: 'Optimize', key: '3' },
  { id: 'compare', label: 'Compare', key: '4' },
  { id: 'experiments', label: 'Experiments', key: '5' },
  { id: 'monitor', label: 'Monitor', key: '6' },
  { id: 'settings', label: 'Settings', key: '7' },
];

export type ArmChoice = 'baseline' | { version: string };

interface NavState {
  view: View;
  signature: string | null;
  /** Set by "Compare" on an optimization result. */
  comparePreset: { a: ArmChoice; b: ArmChoice } | null;
  /** The optimization job shown on the Optimize screen. */
  jobId: string | null;
  go(view: View): void;
  setSignature(name: string | null): void;
  compare(a: ArmChoice, b: ArmChoice): void;
  showJob(id: string | null): void;
}

export const useNav = create<NavState>((set) => ({
  view: (sessionStorage.getItem('ps_view') as View | null) ?? 'design',
  signature: localStorage.getItem('ps_signature'),
  comparePreset: null,
  jobId: null,
  go(view) {
    sessionStorage.setItem('ps_view', view);
    set({ view });
  },
  setSignature(signature) {
    if (signature) localStorage.setItem('ps_signature', signature);
    else localStorage.removeItem('ps_signature');
    set({ signature });
  },
  compare(a, b) {
    sessionStorage.setItem('ps_view', 'compare');
    set({ comparePreset: { a, b }, view: 'compare' });
  },
  showJob(jobId) {
    set({ jobId });
  },
}));
