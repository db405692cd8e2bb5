/** Monaco with local workers (no CDN: the CSP forbids it) and monaco-yaml with the workflow JSON Schema. */
import * as monaco from 'monaco-editor';
import { configureMonacoYaml } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import YamlWorker from './yaml.worker?worker';
import { workflowJsonSchema } from '../../shared/workflow/json-schema';
import { stepCatalog } from '../model/catalog';

let configured = false;

export function setupMonaco(): typeof monaco {
  if (configured) return monaco;
  configured = true;
  (globalThis as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
    getWorker(_id: string, label: string) {
      return label === 'yaml' ? new YamlWorker() : new EditorWorker();
    },
  };
  configureMonacoYaml(monaco, {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    // Markers come from shared's validator (one source of truth); the schema drives completions and hovers.
    validate: false,
    schemas: [{ uri: 'pipeline-studio://schemas/workflow.json', fileMatch: ['*'], schema: workflowJsonSchema(stepCatalog) as never }],
  });
  monaco.editor.defineTheme('studio-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'type', foreground: '8aa3ff' },
      { token: 'string', foreground: 'a5d6a7' },
      { token: 'number', foreground: 'f4b678' },
      { token: 'comment', foreground: '8b949e', fontStyle: 'italic' },
    ],
    colors: {
      'editor.background': '#16191f',
      'editor.lineHighlightBackground': '#1f232b',
      'editorLineNumber.foreground': '#8b929e',
      'editorLineNumber.activeForeground': '#9aa1ad',
      'editorGutter.background': '#16191f',
      'editor.selectionBackground': '#2c3a66',
    },
  });
  monaco.editor.defineTheme('studio-light', {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'type', foreground: '2444c8' },
      { token: 'comment', foreground: '5f6775', fontStyle: 'italic' },
    ],
    colors: { 'editor.background': '#ffffff', 'editor.lineHighlightBackground': '#f3f5f8', 'editorLineNumber.foreground': '#5f6775' },
  });
  return monaco;
}

export { monaco };
