import { z } from 'zod';

/** `<workflow>.layout.json`: node positions by graph node id, kept beside the YAML, never in it. */
export const layoutSidecarSchema = z.object({
  version: z.literal(1),
  nodes: z.record(z.string(), z.object({ x: z.number(), y: z.number() })),
  viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number().positive() }).optional(),
});
export type LayoutSidecar = z.infer<typeof layoutSidecarSchema>;

/** Sidecar file name for a workflow file: `a/b.yaml` -> `a/b.layout.json`. */
export function layoutSidecarPath(workflowPath: string): string {
  return workflowPath.replace(/\.(ya?ml)$/i, '') + '.layout.json';
}
