/** The live Monaco editor, for commands such as "go to problem". */
import type * as monacoNs from 'monaco-editor';

let current: monacoNs.editor.IStandaloneCodeEditor | null = null;

export function registerEditor(e: monacoNs.editor.IStandaloneCodeEditor): () => void {
  current = e;
  return () => {
    if (current === e) current = null;
  };
}

export function revealPosition(line: number, column: number): void {
  if (!current) return;
  current.revealLineInCenter(line);
  current.setPosition({ lineNumber: line, column });
  current.focus();
}

export function focusEditor(): void {
  current?.focus();
}
