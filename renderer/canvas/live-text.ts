/**
 * An inspector text box whose edits apply as you type: a commit after a short pause, and one at blur. The
 * commits of one focus session share a merge key, so they make one undo entry (see the document store).
 */
import { useEffect, useRef, useState } from 'react';
import { useDocument } from '../stores/document';

export const LIVE_DELAY_MS = 300;

export interface LiveText {
  value: string;
  onChange(e: { target: { value: string } }): void;
  onBlur(): void;
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
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (text !== latest.current.value) latest.current.commit(text);
      useDocument.getState().endMerge();
    },
  };
}
