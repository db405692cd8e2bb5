/**
 * Graph edges as React Flow edges. Several references between the same two steps never draw on top of each
 * other: edges with the same pair of handles merge into one (e.g. the chain's implied link and a drawn
 * previous_response part), edges with different handles get their own step offset, and in both cases each
 * edge carries a label naming its kinds.
 */
import type { Edge } from '@xyflow/react';
import type { EdgeView } from '../model/types';

export type FlowEdgeData = { kinds: EdgeView['kind'][]; members: EdgeView[] };

const KIND_LABEL: Record<EdgeView['kind'], string> = {
  previous_response: 'previous_response',
  template: 'template',
  chain: 'chain',
  data_source: 'data_source',
};

function label(members: EdgeView[]): string {
  return members
    .map((m) => (m.kind === 'chain' && m.label ? `chain: ${m.label}` : KIND_LABEL[m.kind]))
    .filter((l, i, all) => all.indexOf(l) === i)
    .join(' + ');
}

export function toFlowEdges(edges: EdgeView[]): Edge<FlowEdgeData>[] {
  const byPair = new Map<string, Map<string, EdgeView[]>>();
  for (const e of edges) {
    const pair = `${e.source}\u0000${e.target}`;
    const handles = `${e.sourceHandle ?? 'flow-out'}\u0000${e.targetHandle ?? 'flow-in'}`;
    const groups = byPair.get(pair) ?? new Map<string, EdgeView[]>();
    groups.set(handles, [...(groups.get(handles) ?? []), e]);
    byPair.set(pair, groups);
  }
  const out: Edge<FlowEdgeData>[] = [];
  for (const groups of byPair.values()) {
    const several = edges.length > 0 && [...groups.values()].reduce((n, g) => n + g.length, 0) > 1;
    let lane = 0;
    for (const members of groups.values()) {
      const first = members[0];
      const kinds = [...new Set(members.map((m) => m.kind))];
      const merged = members.length > 1;
      out.push({
        id: merged ? members.map((m) => m.id).join('|') : first.id,
        source: first.source,
        target: first.target,
        sourceHandle: first.sourceHandle ?? 'flow-out',
        targetHandle: first.targetHandle ?? 'flow-in',
        className: `${kinds.join(' ')}${merged ? ' merged' : ''}`,
        ...(several ? { label: label(members), labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 4 } : {}),
        pathOptions: { offset: 20 + lane * 14, borderRadius: 6 },
        data: { kinds, members },
      } as Edge<FlowEdgeData>);
      lane++;
    }
  }
  return out;
}
