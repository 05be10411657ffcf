/** Project picker with "download for offline", its progress, and the ready-for-offline state. */
import { useEffect, useState } from 'preact/hooks';
import { t, when } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { getJson } from '../sync/api.js';
import { downloadProject, storageOf } from '../sync/download.js';
import { refreshRounds } from '../sync/rounds.js';
import { putReference } from '../store/reference.js';

export function Projects({ app }) {
  const [projects, setProjects] = useState(refs.projects);
  const [progress, setProgress] = useState({});
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
      // The project opens as soon as its reference data is stored; its defects fill in while it downloads.
      await downloadProject(
        pid,
        (p) => setProgress((all) => ({ ...all, [pid]: p })),
        () => app.reloadRefs(),
      );
      await refreshRounds(pid); // rounds, the checklist and its answers, for offline checklist walks
      await app.reloadRefs();
      await loadStorage([pid]);
      setProgress((all) => ({ ...all, [pid]: null }));
    } catch (e) {
      setError(e.message);
      setProgress((all) => ({ ...all, [pid]: null }));
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
                  <span class="badge">{t('not_downloaded')}</span>
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
                <div class="progress-block">
                  <span>
                    {t('downloading')}: {t(`step_${prog.step}`)} {prog.done ?? ''}
                    {prog.total ? `/${prog.total}` : ''}
                  </span>
                  {/* Without a total (a delta of unknown length) the bar says "busy", not a made-up share. */}
                  <progress
                    data-step={prog.step}
                    max={prog.total || 1}
                    value={prog.total ? Math.min(prog.done ?? 0, prog.total) : undefined}
                  />
                  {prog.skipped ? <span class="muted">{t('photos_over_budget', { n: prog.skipped })}</span> : null}
                </div>
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
