/** Export: the YAML (workflow + plugin configuration block) and the graph as PNG/SVG (html-to-image). */
import { toPng, toSvg } from 'html-to-image';
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/react';
import { stringify } from 'yaml';
import { parseYamlBounded } from '../../shared/yaml/bounds';
import { studio } from '../api/client';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';

/**
 * The workflow with a `plugins.dspy_plugin` block: the file's own when it has one, otherwise the
 * configuration the host runs with, so pipeline_ex gets exactly the settings tuned here.
 */
export function exportYamlText(text: string, config: Record<string, unknown>): string {
  const { doc } = parseYamlBounded(text);
  if (doc && doc.errors.length === 0 && doc.has('plugins')) return text;
  const block = stringify({ plugins: { dspy_plugin: { module: 'Pipeline.Plugins.DSPyPlugin', enabled: true, config } } });
  return `${text.replace(/\s*$/, '\n')}\n${block}`;
}

/** Saves a URL (data: or blob:) as a download. */
export function downloadHref(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function baseName(): string {
  return useDocument.getState().fileName.replace(/\.(ya?ml)$/i, '');
}

export async function exportYaml(): Promise<void> {
  let config: Record<string, unknown>;
  try {
    ({ config } = await studio.call('config.get', {}));
  } catch (err) {
    useUi.getState().toast('error', `Export failed: the plugin configuration is unavailable (${(err as Error).message})`);
    return;
  }
  const text = exportYamlText(useDocument.getState().text, config);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  downloadHref(`${baseName()}.export.yaml`, url);
  setTimeout(() => URL.revokeObjectURL(url), 2000);
  useUi.getState().toast('success', 'Exported YAML with the plugin configuration block');
}

export async function exportGraph(format: 'png' | 'svg', nodes: Node[]): Promise<string | null> {
  const viewportEl = document.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewportEl || nodes.length === 0) return null;
  const bounds = getNodesBounds(nodes);
  const width = Math.min(4096, Math.max(400, Math.ceil(bounds.width + 80)));
  const height = Math.min(4096, Math.max(300, Math.ceil(bounds.height + 80)));
  const vp = getViewportForBounds(bounds, width, height, 0.1, 2, 0.05);
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--canvas-bg').trim() || '#ffffff';
  const opts = {
    backgroundColor: bg,
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})` },
  };
  const url = format === 'png' ? await toPng(viewportEl, opts) : await toSvg(viewportEl, opts);
  downloadHref(`${baseName()}.${format}`, url);
  useUi.getState().toast('success', `Exported the graph as ${format.toUpperCase()}`);
  return url;
}
