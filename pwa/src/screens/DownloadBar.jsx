/** On every screen but the project list: the offline download still under way, with its true progress. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { downloads } from '../sync/downloads.js';

export function useDownloads() {
  const [state, setState] = useState(downloads());
  useEffect(() => on('download', setState), []);
  return state;
}

/** The progress of one download: what it is doing, how far, and a bar that is "busy" when no total is known. */
export function DownloadProgress({ progress }) {
  return (
    <div class="progress-block">
      <span>
        {t('downloading')}: {t(`step_${progress.step}`)} {progress.done ?? ''}
        {progress.total ? `/${progress.total}` : ''}
      </span>
      <progress
        data-step={progress.step}
        max={progress.total || 1}
        value={progress.total ? Math.min(progress.done ?? 0, progress.total) : undefined}
      />
      {progress.skipped ? <span class="muted">{t('photos_over_budget', { n: progress.skipped })}</span> : null}
    </div>
  );
}

export function DownloadBar() {
  const state = useDownloads();
  const entries = Object.entries(state);
  if (!entries.length) return null;
  return (
    <div class="downloadbar" role="status" data-downloading={entries.map(([pid]) => pid).join(',')}>
      {entries.map(([pid, progress]) => (
        <div key={pid}>
          <strong>{refs.projects.find((p) => String(p.id) === pid)?.name ?? ''}</strong>
          <DownloadProgress progress={progress} />
        </div>
      ))}
    </div>
  );
}
