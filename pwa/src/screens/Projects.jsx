/** Project picker with "download for offline", its progress, and the ready-for-offline state. */
import { useEffect, useState } from 'preact/hooks';
import { t, when } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { getJson } from '../sync/api.js';
import { storageOf } from '../sync/download.js';
import { startDownload } from '../sync/downloads.js';
import { putReference } from '../store/reference.js';
import { DownloadProgress, useDownloads } from './DownloadBar.jsx';

export function Projects({ app }) {
  const [projects, setProjects] = useState(refs.projects);
  const progress = useDownloads(); // kept outside this screen: the download goes on while units are open
  const [error, setError] = useState('');
  const [storage, setStorage] = useState({});
  const loadStorage = async (ids) => {
    const got = await Promise.all(ids.map(async (pid) => [pid, await storageOf(pid)]));
    setStorage((all) => ({ ...all, ...Object.fromEntries(got) }));
  };
  useEffect(() => {
    loadStorage([...refs.byProject.keys()]).catch(() => {});
  }, []);
  useEffect(() => {
    getJson('/api/projects')
      .then(async (list) => {
        await putReference('projects', list);
        refs.projects = list;
        setProjects(list);
      })
      .catch(() => {}); // offline: the stored list is shown
  }, []);

  const download = async (pid) => {
    setError('');
    try {
      await startDownload(pid, () => app.reloadRefs());
      await loadStorage([pid]);
    } catch (e) {
      setError(e.message);
    }
  };

  return (
    <section>
      <h2>{t('projects')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="cards">
        {projects.map((p) => {
          const local = refs.byProject.get(p.id);
          const prog = progress[p.id];
          return (
            <li class="card project" key={p.id} data-project={p.id}>
              <button class="card-main" disabled={!local} onClick={() => go(`/p/${p.id}`)}>
                <strong>{p.name}</strong>
                <span class="muted">
                  {p.city} · {p.code}
                </span>
                {local?.readyAt ? (
                  <span class="badge ok" data-ready="offline">
                    ✓ {t('ready_offline')} · {t('offline_ready_at', { t: when(local.readyAt) })}
                  </span>
                ) : (
                  <>
                    <span class="badge">{t('not_downloaded')}</span>
                    <span class="muted small" data-hint="download">
                      {t('download_to_open')}
                    </span>
                  </>
                )}
                {local?.readyAt && storage[p.id] && (
                  <span class="muted" data-storage={p.id}>
                    {t('offline_storage', { used: megabytes(storage[p.id].photoBytes), budget: megabytes(storage[p.id].budget) })}
                    {storage[p.id].quota
                      ? ` · ${t('device_storage', { usage: megabytes(storage[p.id].usage), quota: megabytes(storage[p.id].quota) })}`
                      : ''}
                  </span>
                )}
              </button>
              {prog ? (
                <DownloadProgress progress={prog} />
              ) : (
                <button class="secondary big" onClick={() => download(p.id)}>
                  {local?.readyAt ? t('update_offline') : t('download_offline')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function megabytes(bytes) {
  return `${((bytes ?? 0) / 1024 / 1024).toFixed(1)} MB`;
}
