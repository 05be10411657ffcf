/**
 * Delivery readiness (交付许可令): every building green or red; per building each criterion with its
 * value, target and blocking defects (linked); managers issue the permit, admins may override with a
 * written reason; the permit prints as a PDF. Readable offline from the last fetch.
 */
import { useEffect, useState } from 'preact/hooks';
import { t, when } from '../i18n/index.js';
import { go } from '../page/router.js';
import { cachedJson, describe, download, pct } from '../stats/data.js';
import { sendJson } from '../sync/api.js';

function fmt(c) {
  if (c.skipped) return t('no_checklist');
  return c.kind === 'rate' ? pct(c.value) : String(c.value);
}

function Stamp({ state }) {
  return (
    <p class={`muted ${state.offline ? 'warn' : ''}`}>
      {state.offline ? t('offline_as_of', { t: when(state.fetchedAt) }) : t('as_of', { t: when(state.fetchedAt) })}
    </p>
  );
}

export function DeliveryOverview({ params }) {
  const pid = Number(params[0]);
  const [state, setState] = useState(null);
  useEffect(() => {
    cachedJson(`/api/projects/${pid}/delivery-readiness`).then(setState);
  }, [pid]);
  if (!state) return <p class="empty">{t('loading')}</p>;
  if (!state.data) return <p class="empty err">{state.error}</p>;
  return (
    <section>
      <h2>{t('delivery_gate')}</h2>
      <Stamp state={state} />
      <ul class="tiles">
        {state.data.map((b) => (
          <li key={b.building_id}>
            <button
              class={`tile big-tile ${b.ready || b.permit ? 'ok' : 'bad'}`}
              data-ready={String(b.ready)}
              onClick={() => go(`/p/${pid}/delivery/${b.building_id}`)}
            >
              <strong>{b.name}</strong>
              <span>{b.permit ? t('permit_issued') : b.ready ? t('ready') : t('not_ready_n', { n: b.failing.length })}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeliveryBuilding({ app, params }) {
  const [pid, bid] = params.map(Number);
  const [state, setState] = useState(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState(null);
  const role = app.session?.user?.role;
  const load = () => cachedJson(`/api/projects/${pid}/buildings/${bid}/delivery-readiness`).then(setState);
  useEffect(() => {
    load();
  }, [pid, bid]);
  if (!state) return <p class="empty">{t('loading')}</p>;
  if (!state.data) return <p class="empty err">{state.error}</p>;
  const r = state.data;
  const issue = async () => {
    setMessage(null);
    try {
      await sendJson('POST', `/api/projects/${pid}/buildings/${bid}/delivery-permits`, r.ready ? {} : { override_reason: reason });
      await load();
    } catch (e) {
      setMessage(describe(e));
    }
  };
  return (
    <section>
      <h2 class={r.ready ? 'ok' : 'bad'} data-ready={String(r.ready)}>
        {r.ready ? t('ready') : t('not_ready')}
      </h2>
      <Stamp state={state} />
      {r.criteria.map((c) => (
        <div key={c.code} class={`criterion ${c.passed ? 'ok' : 'bad'}`} data-criterion={c.code}>
          <h3>
            {c.passed ? '✓' : '✗'} {c.name_zh}
          </h3>
          <p>
            {t('value')} {fmt(c)} · {t('target')} {c.kind === 'rate' ? pct(c.target) : c.kind === 'check' ? '✓' : c.target}
          </p>
          {c.blocking.length > 0 && (
            <ul class="blockers">
              {c.blocking.map((d) =>
                d.kind === 'risk' ? (
                  <li key={d.id} data-risk={d.risk_item_id} data-result={d.status}>
                    {d.code} {d.title} · {t(`risk_${d.status}`)}
                    {d.responsible && ` · ${d.responsible}`}
                    {d.deadline && ` · ${t('fix_due')} ${d.deadline}`}
                  </li>
                ) : (
                  <li key={d.id}>
                    <button class="link" data-defect={d.id} onClick={() => go(`/d/${d.id}`)}>
                      {d.unit} · {d.type} · {d.severity} · {t(`st_${d.status}`)}
                    </button>
                  </li>
                ),
              )}
              {c.blocking_total > c.blocking.length && <li class="muted">{t('count_n', { n: c.blocking_total })}</li>}
            </ul>
          )}
        </div>
      ))}
      {r.permit ? (
        <p class="ok">
          {t('permit_issued')} · {when(r.permit.issued_at)}
          {r.permit.override && ` · ${t('override')}: ${r.permit.override_reason}`}{' '}
          <button class="link" onClick={() => download(`/api/delivery-permits/${r.permit.id}/pdf`, 'permit.pdf')}>
            {t('permit_pdf')}
          </button>
        </p>
      ) : (
        <div class="permit-form">
          {!r.ready && role === 'admin' && (
            <textarea
              maxLength={1000}
              placeholder={t('override_reason')}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          )}
          {(r.ready || role === 'admin') && !state.offline && (
            <button class="primary" onClick={issue} disabled={!r.ready && reason.trim().length < 10}>
              {r.ready ? t('issue_permit') : t('issue_override')}
            </button>
          )}
        </div>
      )}
      {message && <p class="err">{message}</p>}
    </section>
  );
}
