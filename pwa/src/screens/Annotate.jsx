/**
 * Mark up a photo with arrows, circles and text. Saved on the device and sent through the outbox
 * (photo.annotate) like every other edit; `base` is the version the edit started from, so the server
 * can tell a concurrent edit from a later one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { saveAnnotations } from '../page/actions.js';
import { COLORS, makeShape, normalise } from '../photo/shapes.js';
import { localAnnotation } from '../store/annotations.js';
import { getJson } from '../sync/api.js';
import { useBlobUrl } from './Photo.jsx';

function Shape({ s, w, h }) {
  const sw = Math.max(3, w / 200);
  if (s.type === 'arrow') {
    const ang = Math.atan2((s.y1 - s.y0) * h, (s.x1 - s.x0) * w);
    const head = sw * 5;
    const hx = s.x1 * w;
    const hy = s.y1 * h;
    const p1 = `${hx - head * Math.cos(ang - 0.4)},${hy - head * Math.sin(ang - 0.4)}`;
    const p2 = `${hx - head * Math.cos(ang + 0.4)},${hy - head * Math.sin(ang + 0.4)}`;
    return (
      <g stroke={s.color} fill={s.color} stroke-width={sw}>
        <line x1={s.x0 * w} y1={s.y0 * h} x2={hx} y2={hy} />
        <polygon points={`${hx},${hy} ${p1} ${p2}`} />
      </g>
    );
  }
  if (s.type === 'circle') return <circle cx={s.cx * w} cy={s.cy * h} r={s.r * w} stroke={s.color} stroke-width={sw} fill="none" />;
  return (
    <text
      x={s.x * w}
      y={s.y * h}
      dominant-baseline="hanging"
      fill={s.color}
      font-size={(s.size ?? 0.05) * h}
      stroke="#000"
      stroke-width={sw / 3}
      paint-order="stroke"
    >
      {s.text}
    </text>
  );
}

export function Annotate({ params }) {
  const sha = params[1];
  const url = useBlobUrl(sha, 'display');
  const [size, setSize] = useState({ w: 1000, h: 750 });
  const [shapes, setShapes] = useState([]);
  const [base, setBase] = useState('');
  const [tool, setTool] = useState('arrow');
  const [color, setColor] = useState(COLORS[0]);
  const [drag, setDrag] = useState(null);
  const svg = useRef(null);
  useEffect(() => {
    (async () => {
      const local = await localAnnotation(sha);
      // An edit not yet on the server is the newest there is; otherwise ask the server (another device
      // may have marked it up since), and fall back to this device's copy when offline.
      if (local && local.state !== 'synced' && local.state !== 'stale') {
        setBase(local.base ?? '');
        return setShapes(local.shapes);
      }
      try {
        const server = await getJson(`/api/photos/${sha}/annotations`);
        setShapes(server.shapes ?? []);
        setBase(server.clock ?? '');
      } catch {
        // offline or none yet
        if (local) {
          setShapes(local.shapes);
          setBase(local.base ?? '');
        }
      }
    })();
  }, [sha]);
  useEffect(() => {
    if (!url) return;
    const img = new Image();
    img.onload = () => setSize({ w: 1000, h: Math.round((1000 * img.naturalHeight) / img.naturalWidth) });
    img.src = url;
  }, [url]);
  const point = (e) => {
    const r = svg.current.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  };
  const down = (e) => {
    e.preventDefault();
    const p = point(e);
    if (tool === 'text') {
      const text = prompt(t('enter_text'));
      if (text) setShapes((l) => [...l, normalise(makeShape('text', p, p, color, text))]);
      return;
    }
    setDrag({ from: p, to: p });
  };
  const move = (e) => drag && setDrag({ ...drag, to: point(e) });
  const up = () => {
    if (!drag) return;
    setShapes((l) => [...l, normalise(makeShape(tool, drag.from, drag.to, color))]);
    setDrag(null);
  };
  return (
    <section class="annotate">
      <div class="toolbar">
        {['arrow', 'circle', 'text'].map((k) => (
          <button key={k} data-tool={k} class={tool === k ? 'seg on' : 'seg'} onClick={() => setTool(k)}>
            {t(k)}
          </button>
        ))}
        {COLORS.map((c) => (
          <button key={c} class={color === c ? 'swatch on' : 'swatch'} style={{ background: c }} onClick={() => setColor(c)} aria-label={c} />
        ))}
        <button class="seg" onClick={() => setShapes((l) => l.slice(0, -1))}>
          {t('undo')}
        </button>
      </div>
      <svg
        ref={svg}
        class="annotate-canvas"
        viewBox={`0 0 ${size.w} ${size.h}`}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
      >
        {url && <image href={url} width={size.w} height={size.h} preserveAspectRatio="none" />}
        {shapes.map((s, i) => (
          <Shape key={i} s={s} w={size.w} h={size.h} />
        ))}
        {drag && <Shape s={makeShape(tool, drag.from, drag.to, color)} w={size.w} h={size.h} />}
      </svg>
      <footer class="actionbar">
        <button class="secondary big" onClick={() => history.back()}>
          {t('cancel')}
        </button>
        <button
          class="primary big"
          data-action="save-annotations"
          onClick={async () => {
            await saveAnnotations(sha, shapes, base);
            history.back();
          }}
        >
          {t('save')}
        </button>
      </footer>
    </section>
  );
}
