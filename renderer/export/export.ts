/** Export: the YAML (workflow + plugin configuration block) and the graph as PNG/SVG (html-to-image). */
import { toPng, toSvg } from 'html-to-image';
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/react';
import { parseDocument } from 'yaml';
import { useDocument } from '../stores/document';
import { useUi } from '../stores/ui';

/** The plugin configuration block (the spec's defaults), added when the file has none. */
export const DEFAULT_PLUGIN_BLOCK = `plugins:
  dspy_plugin:
    module: Pipeline.Plugins.DSPyPlugin
    enabled: true
    config:
      python_bridge:
        pool_size: 3
        timeout: 30000
        max_retries: 3
        health_check_interval: 10000
      optimization:
        enabled: true
        strategies: ["bootstrap_few_shot", "copro", "mipro"]
        default_strategy: "bootstrap_few_shot"
        async_optimization: true
        cache_enabled: true
        cache_ttl: 3600
      training_data:
        collection_enabled: true
        quality_threshold: 0.7
        bias_detection: true
        versioning_enabled: true
      real_time:
        max_wait_time: 5000
        fallback_strategy: "traditional"
      monitoring:
        enabled: true
        metrics_collection: true
`;

export function exportYamlText(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length === 0 && doc.has('plugins')) return text;
  return `${text.replace(/\s*$/, '\n')}\n${DEFAULT_PLUGIN_BLOCK}`;
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

export function exportYaml(): void {
  const text = exportYamlText(useDocument.getState().text);
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
