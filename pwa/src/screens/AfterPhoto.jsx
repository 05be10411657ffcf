/**
 * The crew's after-photo (整改后照片): the live camera with the before-photo ghosted over it, so the same
 * spot is retaken from the same angle, with a slider for how strongly the before-photo shows. Where the
 * browser gives no live camera (no getUserMedia, permission refused, no camera), the before-photo is shown
 * beside the ordinary camera button (a file input with capture) instead. A captured frame is compressed
 * like every photo and attached as an "after" photo, offline; then the defect can be marked fixed here.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { addPhotos, changeStatus } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { saveErrorText } from '../page/save-error.js';
import { canStream, grabFrame } from '../photo/camera.js';
import { preparePhoto } from '../photo/prepare.js';
import { actionsFrom } from '../store/apply.js';
import { getDefect } from '../store/defects.js';
import { defectNo } from '../store/numbers.js';
import { hasAfterPhoto } from './DefectDetail.jsx';
import { Photo } from './Photo.jsx';
import { PhotoInput } from './PhotoInput.jsx';

export const GHOST_DEFAULT = 40; // per cent

/** The live camera: {state: 'starting' | 'live' | 'none', stream}; 'none' when there is no camera to stream. */
function useCamera() {
  const [cam, setCam] = useState({ state: canStream() ? 'starting' : 'none', stream: null });
  useEffect(() => {
    if (!canStream()) return undefined;
    let stream = null;
    let stopped = false;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 } }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) s.getTracks().forEach((tr) => tr.stop());
        else setCam({ state: 'live', stream: s });
      })
      .catch((e) => {
        console.warn('no live camera', e);
        if (!stopped) setCam({ state: 'none', stream: null });
      });
    return () => {
      stopped = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, []);
  return cam;
}

export function AfterPhoto({ app, params }) {
  const id = params[0];
  const [d, setD] = useState(undefined);
  const [ghost, setGhost] = useState(GHOST_DEFAULT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const videoRef = useRef(null);
  const { state: camera, stream } = useCamera();
  // The stream goes to the <video> whenever it is (re)rendered, whichever of the two came first.
  const attachVideo = (v) => {
    videoRef.current = v;
    if (v && stream && v.srcObject !== stream) {
      v.srcObject = stream;
      v.play().catch(() => {});
    }
  };
  useEffect(() => {
    const load = async () => setD((await getDefect(id)) ?? null);
    load();
    return on('data', load);
  }, [id]);
  if (d === undefined) return null;
  if (!d) return <p class="empty">{t('not_found')}</p>;
  const before = (d.photos ?? []).find((p) => p.kind !== 'after');
  const afters = (d.photos ?? []).filter((p) => p.kind === 'after');
  const role = app.session?.user?.role;
  const canFix = actionsFrom(d.status, role).includes('fix');
  const attach = async (photo) => {
    try {
      await addPhotos(d, [photo], 'after');
    } catch (e) {
      setError(saveErrorText(e));
    }
  };
  const capture = async () => {
    setBusy(true);
    setError('');
    try {
      await attach(await preparePhoto(await grabFrame(videoRef.current, t('camera_not_ready'))));
    } catch (e) {
      setError(`${t('photo_failed')}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  };
  const markFixed = async () => {
    setBusy(true);
    try {
      await changeStatus(d, 'fix');
      go(`/d/${d.id}`, { replace: true });
    } catch (e) {
      setError(saveErrorText(e));
      setBusy(false);
    }
  };
  const live = camera !== 'none';
  return (
    <section class="after-photo" data-camera={camera}>
      <h2>
        <span class="defect-no" data-no>{defectNo(d, t)}</span> {nameOf(refs.typeById.get(d.type_id))} · {t('after_photo')}
      </h2>
      {live ? (
        <>
          <div class="camera-stage">
            <video ref={attachVideo} autoplay playsInline muted data-live-camera />
            {before && (
              <Photo sha256={before.sha256} size="display" class="ghost" data-ghost style={{ opacity: ghost / 100 }} alt={t('before_photo')} />
            )}
          </div>
          <div class="row camera-controls">
            {before && (
              <label class="ghost-slider">
                {t('ghost_opacity')}
                <input type="range" name="ghost" min="0" max="100" step="5" value={ghost} onInput={(e) => setGhost(Number(e.target.value))} />
                <span class="muted small">{ghost}%</span>
              </label>
            )}
            <button class="primary big" data-action="capture" disabled={busy || camera !== 'live'} onClick={capture}>
              {t('capture_after')}
            </button>
          </div>
        </>
      ) : (
        <div class="side-by-side" data-side-by-side>
          <figure>
            {before ? <Photo sha256={before.sha256} size="display" alt={t('before_photo')} /> : <span class="thumb none" />}
            <figcaption>{t('before_photo')}</figcaption>
          </figure>
          <figure>
            <PhotoInput onPhoto={attach} label={t('capture_after')} />
            <figcaption>{t('same_angle_hint')}</figcaption>
          </figure>
        </div>
      )}
      {!before && <p class="muted small">{t('no_before_photo')}</p>}
      <h3>{t('after_photos_n', { n: afters.length })}</h3>
      <div class="photo-strip" data-after-count={afters.length}>
        {afters.map((p) => (
          <span class="photo-cell" key={p.sha256} data-after={p.sha256}>
            <Photo sha256={p.sha256} size="thumb" />
          </span>
        ))}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <footer class="actionbar">
        <button class="secondary big" onClick={() => go(`/d/${d.id}`)}>
          {t('defect_details')}
        </button>
        {canFix && (
          <button class="primary big" data-action="mark-fixed" disabled={busy || !hasAfterPhoto(d)} onClick={markFixed}>
            {t('act_fix')}
          </button>
        )}
      </footer>
    </section>
  );
}
