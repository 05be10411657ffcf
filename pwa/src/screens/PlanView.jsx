/**
 * The unit's floor plan: the 户型 image when there is one, its rooms drawn as boxes, and a pin per
 * defect. Tapping the plan reports the point in plan coordinates (0..1), as stored on the defect.
 */
import { t } from '../i18n/index.js';
import { pinLabel } from '../store/numbers.js';
import { useBlobUrl } from './Photo.jsx';

const W = 1000;
const SEV_COLOR = { A: '#c62828', B: '#ef6c00', C: '#1565c0' };

export function PlanView({ plan, defects = [], draft, selectedRoom, onTap, onPin }) {
  const url = useBlobUrl(plan?.plan_sha256, 'display');
  const H = plan?.plan_width && plan?.plan_height ? Math.round((W * plan.plan_height) / plan.plan_width) : 700;
  const tap = (e) => {
    if (!onTap) return;
    // Through the SVG's own transform, so a letterboxed plan (height-limited on a portrait screen) maps right.
    const svg = e.currentTarget;
    const pt = svg.createSVGPoint();
    pt.x = e.clientX;
    pt.y = e.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    const x = p.x / W;
    const y = p.y / H;
    if (x >= 0 && x <= 1 && y >= 0 && y <= 1) onTap(x, y);
  };
  return (
    <svg class="plan" viewBox={`0 0 ${W} ${H}`} onClick={tap} role="img" data-plan={plan?.id ?? ''}>
      <rect x="0" y="0" width={W} height={H} fill="#fafafa" stroke="#999" />
      {url && <image href={url} x="0" y="0" width={W} height={H} preserveAspectRatio="none" />}
      {(plan?.rooms ?? []).map((r) => (
        <g key={r.id} class={selectedRoom === r.id ? 'room selected' : 'room'}>
          <rect x={r.x0 * W} y={r.y0 * H} width={(r.x1 - r.x0) * W} height={(r.y1 - r.y0) * H} />
          {!url && (
            <text x={((r.x0 + r.x1) / 2) * W} y={((r.y0 + r.y1) / 2) * H} text-anchor="middle" dominant-baseline="middle">
              {r.name}
            </text>
          )}
        </g>
      ))}
      {defects
        .filter((d) => d.pin_x != null && d.pin_y != null)
        .map((d) => (
          <g
            key={d.id}
            class={`pin${d._pending ? ' pending' : ''}${d._error ? ' failed' : ''}`}
            data-defect={d.id}
            transform={`translate(${d.pin_x * W} ${d.pin_y * H})`}
            onClick={(e) => {
              e.stopPropagation();
              onPin?.(d);
            }}
          >
            <circle r="22" fill={SEV_COLOR[d.severity] ?? '#555'} opacity={d.status === 'closed' || d.status === 'visited' || d.status === 'void' ? 0.35 : 0.9} />
            <text text-anchor="middle" dominant-baseline="central" fill="#fff" font-size="20">
              {pinLabel(d, t)}
            </text>
          </g>
        ))}
      {draft && (
        <g class="pin draft" transform={`translate(${draft.x * W} ${draft.y * H})`}>
          <circle r="26" fill="none" stroke="#2e7d32" stroke-width="6" />
          <circle r="6" fill="#2e7d32" />
        </g>
      )}
    </svg>
  );
}
