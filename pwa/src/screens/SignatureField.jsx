/** One signature, drawn with a finger: signature_pad (loaded only on the signing screen) on a canvas.
 * Reports {strokes: [[[x, y], …], …] in 0..1 of the pad, png: base64} or null while empty. */
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function SignatureField({ label, name, onChange }) {
  const canvas = useRef(null);
  const pad = useRef(null);
  useEffect(() => {
    let alive = true;
    import('signature_pad').then(({ default: SignaturePad }) => {
      if (!alive || !canvas.current) return;
      const c = canvas.current;
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      c.width = c.offsetWidth * ratio;
      c.height = c.offsetHeight * ratio;
      c.getContext('2d').scale(ratio, ratio);
      pad.current = new SignaturePad(c, { minWidth: 1, maxWidth: 2.6 });
      pad.current.addEventListener('endStroke', () => onChange(read(pad.current, c)));
    });
    return () => {
      alive = false;
      pad.current?.off();
    };
  }, []);
  const clear = () => {
    pad.current?.clear();
    onChange(null);
  };
  return (
    <div class="signature">
      <div class="signature-head">
        <span>{label}</span>
        <button type="button" class="link" onClick={clear}>
          {t('sign_clear')}
        </button>
      </div>
      <canvas ref={canvas} class="signature-pad" data-signature={name} aria-label={label} />
    </div>
  );
}

function read(pad, canvas) {
  if (pad.isEmpty()) return null;
  const w = canvas.offsetWidth || 1;
  const h = canvas.offsetHeight || 1;
  const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 10000) / 10000));
  const strokes = pad
    .toData()
    .map((group) => group.points.map((p) => [clamp(p.x / w), clamp(p.y / h)]))
    .filter((s) => s.length >= 1)
    .slice(0, 300)
    .map((s) => s.slice(0, 2000));
  const png = pad.toDataURL('image/png').split(',')[1] ?? '';
  return { strokes, png: png.length <= 300000 ? png : '' };
}
