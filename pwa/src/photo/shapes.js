/**
 * Photo mark-up shapes, in coordinates normalised to the photo (0..1 across its width and height):
 * arrow {x1, y1, x2, y2}, circle {cx, cy, r} (r as a share of the width), text {x, y, text}; each with a color.
 */
export const COLORS = ['#e53935', '#fdd835', '#1e88e5', '#ffffff'];

export function makeShape(tool, from, to, color, text) {
  if (tool === 'arrow') return { type: 'arrow', x1: from.x, y1: from.y, x2: to.x, y2: to.y, color };
  if (tool === 'circle') {
    const r = Math.hypot(to.x - from.x, to.y - from.y);
    return { type: 'circle', cx: from.x, cy: from.y, r: Math.max(r, 0.02), color };
  }
  return { type: 'text', x: from.x, y: from.y, text, color };
}

const r4 = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

/** Shapes rounded and clamped to the photo, ready to store. */
export function normalise(shape) {
  const out = { ...shape };
  for (const k of ['x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'x', 'y']) if (k in out) out[k] = r4(out[k]);
  return out;
}
