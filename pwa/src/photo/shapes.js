/**
 * Photo mark-up shapes, as the annotations API stores them (media/annotate.py), in coordinates
 * normalised to the upright photo (0..1 across its width and down its height):
 * arrow {x0, y0 (tail), x1, y1 (head)}, circle {cx, cy, r (share of the width)},
 * text {x, y (top-left), text, size (letter height, share of the photo's height)}; each with a #RRGGBB color.
 */
export const COLORS = ['#E53935', '#FDD835', '#1E88E5', '#FFFFFF'];
export const TEXT_SIZE = 0.05;

export function makeShape(tool, from, to, color, text) {
  if (tool === 'arrow') return { type: 'arrow', x0: from.x, y0: from.y, x1: to.x, y1: to.y, color };
  if (tool === 'circle') {
    const r = Math.hypot(to.x - from.x, to.y - from.y);
    return { type: 'circle', cx: from.x, cy: from.y, r: Math.max(r, 0.02), color };
  }
  return { type: 'text', x: from.x, y: from.y, text, size: TEXT_SIZE, color };
}

const r4 = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

/** Shapes rounded and clamped to the photo, ready to store. */
export function normalise(shape) {
  const out = { ...shape };
  for (const k of ['x0', 'y0', 'x1', 'y1', 'cx', 'cy', 'x', 'y']) if (k in out) out[k] = r4(out[k]);
  if ('r' in out) out.r = Math.max(0.001, r4(out.r));
  return out;
}
