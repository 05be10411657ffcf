/** The camera button: compresses each photo as soon as it is taken and shows it; errors stay on screen. */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { preparePhoto } from '../photo/prepare.js';

export function PhotoInput({ onPhoto, label }) {
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState('');
  const pick = async (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    setError('');
    setBusy((n) => n + files.length);
    for (const f of files) {
      try {
        onPhoto(await preparePhoto(f));
      } catch (err) {
        setError(`${t('photo_failed')}: ${err.message}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
  };
  return (
    <span class="photo-input">
      <label class="secondary big file-btn">
        {label ?? t('take_photo')}
        <input type="file" accept="image/*" capture="environment" multiple onChange={pick} name="photo" />
      </label>
      {busy > 0 && <span class="muted" data-busy="photo">{t('processing_photo')}</span>}
      {error && <span class="error">{error}</span>}
    </span>
  );
}

/** Thumbnails of photos prepared on this page (not saved yet). */
export function PreparedPhotos({ photos, onRemove }) {
  return (
    <div class="photo-strip">
      {photos.map((p) => (
        <span class="photo-cell" key={p.sha256} data-prepared={p.sha256}>
          <img src={p.previewUrl} alt="" />
          <button type="button" class="remove" aria-label={t('delete')} onClick={() => onRemove(p)}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
