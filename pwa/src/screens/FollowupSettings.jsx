/**
 * 跟进设置 (/p/<id>/followup): the project's time limits, escalation ladder and group-chat robots, and every
 * change to them (who, when, what from → to). Staff of the project read it; its managers (and admins) edit.
 * Read offline from the last fetch; editing needs the server.
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t, when } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { describeChange } from '../settings/followup.js';
import { cachedJson } from '../stats/data.js';
import { LadderEditor } from './LadderEditor.jsx';
import { PolicyEditor } from './PolicyEditor.jsx';
import { Webhooks } from './Webhooks.jsx';

export function ChangeHistory({ changes }) {
  const typeName = (id) => nameOf(refs.typeById.get(id)) || `#${id}`;
  return (
    <div class="card settings-card" data-editor="history">
      <h3>{t('change_history')}</h3>
      {changes.length === 0 && <p class="muted">{t('none')}</p>}
      <ul class="change-list">
        {changes.map((c) => (
          <li key={c.id} data-change={c.what}>
            <div>
              <strong>{t(`change_${c.what}`)}</strong> <span class="muted small">{when(c.at)} · {c.user_name || `#${c.user_id}`}</span>
            </div>
            <ul>
              {describeChange(c, t, typeName).map((line, i) => (
                <li key={i} data-change-line>
                  {t(...line.label)}
                  {(line.before || line.after) && (
                    <>
                      : <span class="before">{line.before}</span> → <strong class="after">{line.after}</strong>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function FollowupSettings({ app, params }) {
  const pid = Number(params[0]);
  const role = app.session?.user?.role;
  const canEdit = role === 'admin' || role === 'manager';
  const [state, setState] = useState(null);
  const [changes, setChanges] = useState([]);
  const loadChanges = async () => {
    const got = await cachedJson(`/api/projects/${pid}/followup/changes`);
    if (got.data) setChanges(got.data);
  };
  useEffect(() => {
    cachedJson(`/api/projects/${pid}/followup`).then(setState);
    loadChanges();
  }, [pid]);
  if (!state) return <p class="empty">{t('loading')}</p>;
  if (!state.data) return <p class="empty error">{state.error}</p>;
  const editable = canEdit && !state.offline;
  const saved = (fresh) => {
    setState((s) => ({ ...s, data: fresh }));
    loadChanges();
  };
  const project = refs.projects.find((p) => p.id === pid);
  return (
    <section class="followup-settings" data-ready="followup">
      <h2>
        {project?.name} · {t('followup_settings')}
      </h2>
      {state.offline && <p class="muted warn">{t('offline_as_of', { t: when(state.fetchedAt) })}</p>}
      {!canEdit && <p class="muted">{t('followup_read_only')}</p>}
      <PolicyEditor pid={pid} setup={state.data} canEdit={editable} onSaved={saved} />
      <LadderEditor pid={pid} setup={state.data} canEdit={editable} onSaved={saved} />
      {editable && <Webhooks pid={pid} onChanged={loadChanges} />}
      <ChangeHistory changes={changes} />
    </section>
  );
}
