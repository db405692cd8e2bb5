import { describe, expect, it } from 'vitest';
import { allStepTypes, layoutSidecarPath, layoutSidecarSchema, validateWorkflowText, workflowToGraph } from '../../shared/index';
import { readOwn } from './helpers';

const graphOf = (t: string) => { const r = validateWorkflowText(t, allStepTypes); return workflowToGraph(r.model, r.diagnostics); };

describe('workflowToGraph', () => {
  it('builds the spec usage example: 2 nodes and the chain link', () => {
    const g = graphOf(readOwn('dspy_code_analysis.yaml'));
    expect(g.nodes.map((n) => [n.id, n.type, n.family])).toEqual([['analyze_security', 'dspy_claude', 'dspy'], ['generate_report', 'dspy_chain', 'dspy']]);
    const [sec, chain] = g.nodes;
    expect(sec.inputs).toEqual([{ name: 'code', type: 'string' }]);
    expect(sec.outputs).toEqual([{ name: 'security_analysis', type: 'object' }]);
    expect(sec.signatureHash).toMatch(/^[0-9a-f]{64}$/);
    expect(chain.chain?.map((l) => [l.signature, l.source])).toEqual([['security_analysis_to_summary', 'convention'], ['summary_to_report', 'convention']]);
    expect(chain.inputs).toEqual([{ name: 'security_analysis', type: 'string' }]);
    expect(chain.outputs).toEqual([{ name: 'report', type: 'string' }]);
    expect(chain.diagnostics).toHaveLength(2);
    expect(g.edges).toEqual([{ id: 'chain:analyze_security->generate_report:security_analysis:security_analysis', source: 'analyze_security', target: 'generate_report', kind: 'chain', sourceHandle: 'security_analysis', targetHandle: 'security_analysis' }]);
  });

  it('nests loop steps, derives edges of every kind', () => {
    const g = graphOf(readOwn('dspy_declared_signatures.yaml'));
    expect(g.nodes.map((n) => [n.id, n.parentId])).toEqual([['load', undefined], ['review', undefined], ['explain', undefined], ['per_finding', undefined], ['fix', 'per_finding'], ['judge', undefined]]);
    expect(g.edges.map((e) => `${e.kind}:${e.source}->${e.target}`).sort()).toEqual([
      'chain:load->review', 'data_source:review->per_finding', 'previous_response:review->explain', 'template:explain->fix', 'template:review->explain',
    ]);
    expect(g.nodes[1].inputs).toEqual([{ name: 'code', type: 'string' }]);
    expect(g.nodes[1].outputs).toEqual([{ name: 'verdict', type: 'string' }, { name: 'score', type: 'number' }]);
  });

  it('uses paths as ids for duplicate or missing names and attaches diagnostics to their step', () => {
    const text = 'workflow:\n  name: w\n  steps:\n    - name: a\n      type: claude\n      prompt: "x"\n    - name: a\n      type: gemini\n      prompt: [{type: static, content: y}]\n    - type: set_variable\n';
    const g = graphOf(text);
    expect(g.nodes.map((n) => n.id)).toEqual(['steps[0]', 'steps[1]', 'steps[2]']);
    expect(g.nodes[0].diagnostics.map((d) => d.severity)).toEqual(['error']);
    expect(g.nodes[2].diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('needs a name')]);
  });

  it('returns an empty graph for non-workflows', () => {
    for (const m of [undefined, null, 3, 'x', [], { steps: 'no' }]) expect(workflowToGraph(m)).toEqual({ nodes: [], edges: [] });
  });
});

describe('layout sidecar', () => {
  it('accepts version 1 with positions and rejects other shapes', () => {
    expect(layoutSidecarSchema.safeParse({ version: 1, nodes: { a: { x: 1, y: 2 } }, viewport: { x: 0, y: 0, zoom: 1 } }).success).toBe(true);
    expect(layoutSidecarSchema.safeParse({ version: 2, nodes: {} }).success).toBe(false);
    expect(layoutSidecarSchema.safeParse({ version: 1, nodes: { a: { x: '1', y: 2 } } }).success).toBe(false);
    expect(layoutSidecarPath('dir/flow.yaml')).toBe('dir/flow.layout.json');
  });
});
