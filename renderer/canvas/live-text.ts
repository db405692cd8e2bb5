/**
 * An inspector text box whose edits apply as you type: a commit after a short pause, and one at blur. The
 * commits of one focus session share a merge key, so they make one undo entry (see the document store).
 * Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) in a box go to the designer's shared history, not the box's own undo.
 */
import { useEffect, useRef, useState } from 'react';
import { useDocument } from '../stores/document';

export const LIVE_DELAY_MS = 300;

export interface LiveText {
  value: string;
  onChange(e: { target: { value: string } }): void;
  onBlur(): void;
  onKeyDown(e: HistoryKeyEvent): void;
}

export type HistoryKeyEvent = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'preventDefault'> & { currentTarget: unknown };

/** The shared-history action a key asks for, if any. */
export function historyAction(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const k = e.key.toLowerCase();
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  return k === 'y' ? 'redo' : null;
}

/**
 * Sends an undo/redo key to the shared history: `flush` first writes the box's pending text (so the typing is
 * one history entry like any other), then the field edit is closed and the history steps. True when handled.
 */
export function routeHistoryKey(e: HistoryKeyEvent, flush: () => void): boolean {
  const action = historyAction(e);
  if (!action) return false;
  e.preventDefault();
  flush();
  const doc = useDocument.getState();
  doc.endMerge();
  if (action === 'undo') doc.undo();
  else doc.redo();
  return true;
}

/**
 * `commit` receives the text; `live` says whether a half-typed text may be committed before the blur (a
 * number like `1.` may not: it would come back as `1`).
 */
export function useLiveText(value: string, commit: (text: string) => void, live: (text: string) => boolean = () => true): LiveText {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ commit, live, value });
  latest.current = { commit, live, value };
  // A change from elsewhere (undo, the YAML editor) shows at once, unless a commit of ours is pending.
  useEffect(() => {
    if (!timer.current) setText(value);
  }, [value]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const flush = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (text !== latest.current.value) latest.current.commit(text);
  };
  return {
    value: text,
    onChange(e) {
      const v = e.target.value;
      setText(v);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        const cur = latest.current;
        if (v !== cur.value && cur.live(v)) cur.commit(v);
      }, LIVE_DELAY_MS);
    },
    onBlur() {
      flush();
      useDocument.getState().endMerge();
    },
    onKeyDown(e) {
      // The box then shows what the history step leaves (the effect above brings any new value).
      if (routeHistoryKey(e, flush)) setText(latest.current.value);
      // Enter in a one-line box commits it.
      else if (e.key === 'Enter' && e.currentTarget instanceof HTMLInputElement) e.currentTarget.blur();
    },
  };
}
