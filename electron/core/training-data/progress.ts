import type { ProgressFigures } from '../../../shared/api/tuning';

/**
 * Progress of a long store operation (import, snapshot, export) as the CLI prints it and the app
 * shows it: rows done, the measured rate, and time left estimated from the share of the work done.
 */
export type { ProgressFigures };

export function progressFigures(p: { done: number; total: number; share: number }, elapsedMs: number): ProgressFigures {
  const share = Math.min(1, Math.max(0, p.share));
  return {
    done: p.done,
    total: p.total,
    share,
    elapsedMs,
    rowsPerSecond: elapsedMs > 0 ? Math.round((p.done * 1000) / elapsedMs) : 0,
    secondsLeft: share > 0 ? Math.round(((1 - share) * elapsedMs) / share / 1000) : null,
  };
}

/** `import: 250000 rows (25%), 50000 rows/s, about 15 s left` */
export function progressLine(what: string, f: ProgressFigures): string {
  return `${what}: ${f.done} rows (${Math.floor(f.share * 100)}%), ${f.rowsPerSecond} rows/s, ${f.secondsLeft === null ? 'time left unknown' : `about ${f.secondsLeft} s left`}`;
}

/**
 * Figures of an operation as it reports (done, total, share), timed from the first call; `clock`
 * is injectable so tests need no real time.
 */
export function progressClock(clock: () => number = () => performance.now()): (p: { done: number; total: number; share: number }) => ProgressFigures {
  const started = clock();
  return (p) => progressFigures(p, clock() - started);
}

/** Thrown from an onProgress callback to stop an operation: its transaction rolls back. */
export class OperationCancelledError extends Error {
  constructor(what: string) {
    super(`${what} cancelled: nothing was changed`);
  }
}
