import { describe, expect, it } from 'vitest';
import { absolutePosition, containerAt, dragTarget, freeSpot, insideEdge, NEW_CARD, placeNewCard, siblingRects } from '../../renderer/canvas/layout';
import { nameFor } from '../../renderer/canvas/step-defaults';
import type { StepView } from '../../renderer/model/types';

const step = (id: string, extra: Partial<StepView> = {}): StepView =>
  ({ id, name: id, path: id, type: 'claude', family: 'claude', label: '', index: 0, depth: 0, container: false, chain: [], inputs: [], outputs: [], summary: '', children: [], raw: {}, ...extra }) as StepView;

describe('dropping a card', () => {
  it('lands where it is dropped when the spot is free', () => {
    expect(freeSpot({ x: 100, y: 100 }, { width: 240, height: 100 }, [{ x: 600, y: 100, width: 240, height: 100 }])).toEqual({ x: 100, y: 100 });
  });

  it('moves to the nearest spot that keeps clear of every card and overlay', () => {
    const taken = [{ x: 100, y: 100, width: 240, height: 100 }];
    const p = freeSpot({ x: 120, y: 110 }, { width: 240, height: 100 }, taken, undefined, 20);
    const clear = p.x >= 100 + 240 + 20 || p.x + 240 + 20 <= 100 || p.y >= 100 + 100 + 20 || p.y + 100 + 20 <= 100;
    expect(clear).toBe(true);
    // Nearest: straight down or up (distance 130 or 140), not sideways (260+).
    expect(Math.hypot(p.x - 120, p.y - 110)).toBeLessThan(200);
  });

  it('stays inside a container\'s inner edge', () => {
    const p = freeSpot({ x: 24, y: 72 }, { width: 240, height: 100 }, [{ x: 24, y: 72, width: 240, height: 100 }], { x: 24, y: 72 });
    expect(p.x).toBeGreaterThanOrEqual(24);
    expect(p.y).toBeGreaterThanOrEqual(72);
  });

  it('finds the innermost container under the pointer, in canvas coordinates', () => {
    const steps = [step('outer', { container: true, children: ['inner'] }), step('inner', { container: true, parentId: 'outer', depth: 1, children: [] }), step('free')];
    const positions = { outer: { x: 100, y: 100 }, inner: { x: 24, y: 72 }, free: { x: 900, y: 0 } };
    const sizes = { outer: { width: 400, height: 300 }, inner: { width: 280, height: 150 }, free: { width: 240, height: 80 } };
    expect(absolutePosition('inner', steps, positions)).toEqual({ x: 124, y: 172 });
    expect(containerAt({ x: 150, y: 200 }, steps, positions, sizes)?.id).toBe('inner');
    expect(containerAt({ x: 110, y: 110 }, steps, positions, sizes)?.id).toBe('outer');
    expect(containerAt({ x: 950, y: 20 }, steps, positions, sizes)).toBeUndefined();
    expect(siblingRects(undefined, steps, positions, sizes)).toHaveLength(2);
    expect(siblingRects('outer', steps, positions, sizes)).toEqual([{ x: 24, y: 72, width: 280, height: 150 }]);
  });

  it('a top-level card dragged onto a container goes inside it, never into itself', () => {
    const steps = [step('loop', { container: true, children: ['body'] }), step('body', { parentId: 'loop', depth: 1 }), step('free')];
    const sizes = { loop: { width: 400, height: 300 }, body: { width: 240, height: 80 }, free: { width: 240, height: 80 } };
    const onLoop = { loop: { x: 100, y: 100 }, body: { x: 24, y: 72 }, free: { x: 150, y: 250 } };
    expect(dragTarget('free', steps, onLoop, sizes)).toEqual({ container: steps[0], position: { x: 50, y: 150 } });
    expect(dragTarget('free', steps, { ...onLoop, free: { x: 900, y: 0 } }, sizes)).toBeUndefined();
    expect(dragTarget('loop', steps, onLoop, sizes)).toBeUndefined();
    expect(dragTarget('body', steps, onLoop, sizes)).toBeUndefined();
  });

  it('a nested card whose centre leaves its container goes out to the top level, at its canvas position', () => {
    const steps = [step('loop', { container: true, children: ['body'] }), step('body', { parentId: 'loop', depth: 1 }), step('other', { container: true, children: [] })];
    const sizes = { loop: { width: 400, height: 300 }, body: { width: 240, height: 80 }, other: { width: 300, height: 200 } };
    const base = { loop: { x: 100, y: 100 }, other: { x: 800, y: 100 } };
    // Centre at (100+500+120, 100+72+40): right of the loop, on empty canvas.
    expect(dragTarget('body', steps, { ...base, body: { x: 500, y: 72 } }, sizes)).toEqual({ position: { x: 600, y: 172 } });
    // Dragged across into another container: it joins that one.
    expect(dragTarget('body', steps, { ...base, body: { x: 720, y: 80 } }, sizes)).toEqual({ container: steps[2], position: { x: 24, y: 80 } });
    // Still inside its own container: it stays.
    expect(dragTarget('body', steps, { ...base, body: { x: 100, y: 150 } }, sizes)).toBeUndefined();
    // Dragged past its container's inner edge but still inside it: it is put back right of and below that edge.
    expect(dragTarget('body', steps, { ...base, body: { x: -60, y: 30 } }, sizes)).toBeUndefined();
    expect(insideEdge({ x: -60, y: 30.4 })).toEqual({ x: 24, y: 72 });
    expect(insideEdge({ x: 40, y: 90 })).toEqual({ x: 40, y: 90 });
  });
});

describe('placing a new card', () => {
  const steps = [step('loop', { container: true, children: [] }), step('a')];
  const positions = { loop: { x: 600, y: 0 }, a: { x: 0, y: 0 } };
  const sizes = { loop: { width: 400, height: 300 }, a: { width: 240, height: 80 } };
  const centre = { x: NEW_CARD.width / 2, y: NEW_CARD.height / 2 };

  it('centres it on the point when the canvas is free there', () => {
    expect(placeNewCard({ x: 200, y: 400 }, centre, steps, positions, sizes, [])).toEqual({ position: { x: 200 - 120, y: 400 - 55 } });
  });

  it('keeps it clear of the cards and overlays around the point', () => {
    const at = placeNewCard({ x: 120, y: 40 }, centre, steps, positions, sizes, [{ x: 0, y: 200, width: 200, height: 100 }]);
    expect(at.container).toBeUndefined();
    const r = { ...at.position, ...NEW_CARD };
    for (const t of [{ ...positions.a, ...sizes.a }, { x: 0, y: 200, width: 200, height: 100 }]) {
      expect(r.x >= t.x + t.width || r.x + r.width <= t.x || r.y >= t.y + t.height || r.y + r.height <= t.y).toBe(true);
    }
  });

  it('puts it inside the container under the point', () => {
    expect(placeNewCard({ x: 700, y: 100 }, { x: 120, y: 24 }, steps, positions, sizes, [])).toEqual({ position: { x: 24, y: 76 }, container: 'loop' });
  });
});

describe('new step names', () => {
  it('are the type and the first free number', () => {
    expect(nameFor('claude', [])).toBe('claude_1');
    expect(nameFor('dspy_claude', ['dspy_claude_1', 'dspy_claude_3'])).toBe('dspy_claude_2');
  });
});

describe('counts', () => {
  it('put the noun in the right number', async () => {
    const { plural } = await import('../../renderer/model/plural');
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(3, 'nested step')).toBe('3 nested steps');
  });
});
