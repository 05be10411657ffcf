import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { mayOpen } from '../store/apply.js';
import { suspectsOf } from '../store/duplicates.js';
import { BOARDS } from '../store/tasks.js';

/** The 疑似重复 button with the number of pairs waiting (from the last sync pass, so offline too). */
export function DuplicatesButton({ pid }) {
  const [n, setN] = useState(0);
  useEffect(() => {
    const load = async () => setN((await suspectsOf(pid)).length);
    load();
    return on('data', load);
  }, [pid]);
  return (
    <button class="secondary big" data-action="duplicates" data-count={n} onClick={() => go(`/p/${pid}/duplicates`)}>
      {t('duplicates_title')}
      {n > 0 && <span class="badge dup-badge"> {n}</span>}
    </button>
  );
}

export function Buildings({ app, params }) {
  const pid = Number(params[0]);
  const role = app?.session?.user?.role;
  const p = refs.byProject.get(pid);
  const project = refs.projects.find((x) => x.id === pid);
  if (!p) return <p class="empty">{t('not_downloaded')}</p>;
  const unitsIn = (bid) => p.units.filter((u) => u.building_id === bid).length;
  return (
    <section>
      <h2>
        {project?.name} · {t('buildings')}
      </h2>
      {BOARDS[app?.session?.user?.role] && (
        <p>
          <button class="primary big" data-go="tasks" onClick={() => go(`/p/${pid}/tasks`)}>
            {t(BOARDS[app.session.user.role].title)}
          </button>
        </p>
      )}
      {['admin', 'manager'].includes(app?.session?.user?.role) && (
        <p class="manager-links">
          <button class="link" data-go="dashboard" onClick={() => go(`/p/${pid}/dashboard`)}>
            {t('dashboard')}
          </button>{' '}
          <button class="link" data-go="delivery" onClick={() => go(`/p/${pid}/delivery`)}>
            {t('delivery_gate')}
          </button>{' '}
          <button class="link" data-go="followup" onClick={() => go(`/p/${pid}/followup`)}>
            {t('followup_settings')}
          </button>
          {mayOpen('calendar', role) && (
            <>
              {' '}
              <button class="link" data-go="calendar" onClick={() => go(`/p/${pid}/calendar`)}>
                {t('calendar')}
              </button>
            </>
          )}
        </p>
      )}
      <ul class="tiles">
        {p.buildings.map((b) => (
          <li key={b.id}>
            <button class="tile big-tile" data-building={b.id} onClick={() => go(`/p/${pid}/b/${b.id}`)}>
              <strong>{nameOf(b)}</strong>
              <span class="muted">
                {b.floors} {t('floors')} · {unitsIn(b.id)} {t('units')}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {mayOpen('duplicates', role) && (
        <p class="row">
          <DuplicatesButton pid={pid} />
          {role === 'inspector' && (
            <button class="link" data-go="followup" onClick={() => go(`/p/${pid}/followup`)}>
              {t('followup_settings')}
            </button>
          )}
        </p>
      )}
    </section>
  );
}
