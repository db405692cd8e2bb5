/**
 * The YAML editor: Monaco + monaco-yaml. Keystrokes go to the store at once (none lost); canvas edits
 * arrive as minimal edits (common prefix/suffix), so the cursor and scroll survive. Undo and redo go to the
 * document's history (one history for canvas and text), not to Monaco's own stack.
 */
import { useEffect, useRef } from 'react';
import { setupMonaco, monaco } from './monaco-setup';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';
import { registerEditor } from './editor-ref';
import { minimalEdit } from '../model/text-diff';

export function YamlEditor() {
  const host = useRef<HTMLDivElement>(null);
  const theme = useUi((s) => s.theme);
  const wordWrap = useUi((s) => s.wordWrap);
  const diagnostics = useDocument((s) => s.diagnostics);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    setupMonaco();
    const state = useDocument.getState();
    const model = monaco.editor.createModel(state.text, 'yaml', monaco.Uri.parse(`file:///workflow-${Date.now()}.yaml`));
    model.updateOptions({ tabSize: 2, insertSpaces: true });
    const editor = monaco.editor.create(host.current!, {
      model,
      theme: useUi.getState().theme === 'dark' ? 'studio-dark' : 'studio-light',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 12.5,
      fontFamily: "'JetBrains Mono', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      lineNumbersMinChars: 3,
      scrollBeyondLastLine: false,
      renderLineHighlight: 'line',
      renderFinalNewline: 'on',
      tabSize: 2,
      wordWrap: useUi.getState().wordWrap ? 'on' : 'off',
      padding: { top: 8 },
      quickSuggestions: { other: true, comments: false, strings: true },
      ariaLabel: 'Workflow YAML',
    });
    editorRef.current = editor;
    // A file that does not parse opens at the line of the mistake.
    const showError = () => {
      const err = useDocument.getState().parseError;
      if (!err) return;
      editor.setPosition({ lineNumber: err.line, column: err.column });
      editor.revealLineInCenter(err.line);
    };
    showError();
    const { KeyMod, KeyCode } = monaco;
    const undo = () => useDocument.getState().undo();
    const redo = () => useDocument.getState().redo();
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, undo);
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, redo);
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, redo);
    const unregister = registerEditor(editor);
    let applying = false;
    const sub = model.onDidChangeContent(() => {
      if (!applying) useDocument.getState().setTextFromEditor(model.getValue());
    });
    const unsub = useDocument.subscribe((s, prev) => {
      if (s.textVersion === prev.textVersion || s.textSource === 'editor') return;
      const edit = minimalEdit(model.getValue(), s.text);
      if (!edit) return;
      applying = true;
      try {
        const range = monaco.Range.fromPositions(model.getPositionAt(edit.start), model.getPositionAt(edit.end));
        if (s.textSource === 'load') {
          model.setValue(s.text);
          showError();
        } else model.pushEditOperations(editor.getSelections() ?? [], [{ range, text: edit.text, forceMoveMarkers: true }], () => null);
        if (s.textSource === 'history') {
          // Undo/redo puts the cursor where the change happened, as an editor's own undo does.
          const at = model.getPositionAt(edit.start + edit.text.length);
          editor.setPosition(at);
          editor.revealPositionInCenterIfOutsideViewport(at);
        }
      } finally {
        applying = false;
      }
    });
    return () => {
      unsub();
      sub.dispose();
      unregister();
      editor.dispose();
      model.dispose();
    };
  }, []);

  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? 'studio-dark' : 'studio-light');
  }, [theme]);

  useEffect(() => {
    editorRef.current?.updateOptions({ wordWrap: wordWrap ? 'on' : 'off' });
  }, [wordWrap]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const sev = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info };
    monaco.editor.setModelMarkers(
      model,
      'pipeline-studio',
      diagnostics.map((d) => {
        const line = Math.max(1, Math.min(d.line, model.getLineCount()));
        const col = Math.max(1, d.column);
        const lineText = model.getLineContent(line);
        const wordEnd = lineText.slice(col - 1).search(/[\s:,\]}]|$/);
        return {
          severity: sev[d.severity],
          message: d.path ? `${d.message} (${d.path})` : d.message,
          startLineNumber: line,
          startColumn: col,
          endLineNumber: line,
          endColumn: Math.max(col + Math.max(wordEnd, 1), col + 1),
          source: 'pipeline-studio',
        };
      }),
    );
  }, [diagnostics]);

  return <div className="editor-host" ref={host} data-testid="yaml-editor" data-word-wrap={wordWrap ? 'on' : 'off'} />;
}
