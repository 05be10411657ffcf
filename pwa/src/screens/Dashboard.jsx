/**
 * The manager's dashboard: headline numbers against their targets, the weekly trend (uPlot), the top
 * types and the contractor scorecard; every number opens the defect list behind it. Loaded on demand
 * (its chunk carries the chart library), readable offline from the last fetch.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t, when } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { cachedJson, download, meets, pct, statsQuery } from '../stats/data.js';

function Tile({ label, value, target, ok, onClick }) {
  return (
    <button class={`tile stat-tile ${ok === null ? '' : ok ? 'ok' : 'bad'}`} onClick={onClick} data-stat={label}>
      <span class="muted">{label}</span>
      <strong class="stat-value">{value}</strong>
      {target !== undefined && <span class="muted">{t('target_x', { x: target })}</span>}
    </button>
  );
}

function TrendChart({ trend }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current || !trend.length) return undefined;
    const xs = trend.map((w) => Date.parse(`${w.week}T00:00:00+08:00`) / 1000);
    const chart = new uPlot(
      {
        width: Math.min(el.current.clientWidth || 640, 900),
        height: 220,
        series: [
          {},
          { label: t('found'), stroke: '#3b6fd8', width: 2 },
          { label: t('closed_n'), stroke: '#2e9d55', width: 2 },
        ],
        axes: [{}, { size: 40 }],
      },
      [xs, trend.map((w) => w.found), trend.map((w) => w.closed)],
      el.current,
    );
    return () => chart.destroy();
  }, [trend]);
  return <div ref={el} class="chart" data-chart="trend" />;
}

export function Dashboard({ params, query }) {
  const pid = Number(params[0]);
  const [state, setState] = useState(null);
  const qs = statsQuery(query);
  const p = refs.byProject.get(pid);
  useEffect(() => {
    cachedJson(`/api/projects/${pid}/stats${qs ? `?${qs}` : ''}`).then(setState);
  }, [pid, qs]);
  if (!state) return <p class="empty">{t('loading')}</p>;
  if (!state.data) return <p class="empty err">{state.error}</p>;
  const { numbers: n, targets, top_types: top, trend, scorecard } = state.data;
  const list = (extra) => go(`/p/${pid}/defects?${new URLSearchParams({ ...query, ...extra })}`);
  const setFilter = (k, v) => go(`/p/${pid}/dashboard?${new URLSearchParams({ ...query, [k]: v })}`, { replace: true });
  return (
    <section class="dashboard">
      <h2>{t('dashboard')}</h2>
      <p class={`muted ${state.offline ? 'warn' : ''}`} data-fetched-at={state.fetchedAt}>
        {state.offline ? t('offline_as_of', { t: when(state.fetchedAt) }) : t('as_of', { t: when(state.fetchedAt) })}
      </p>
      <div class="filters">
        <select value={query.building_id ?? ''} onChange={(e) => setFilter('building_id', e.currentTarget.value)}>
          <option value="">{t('all_buildings')}</option>
          {(p?.buildings ?? []).map((b) => (
            <option value={b.id}>{b.name}</option>
          ))}
        </select>
        <select value={query.inspection_id ?? ''} onChange={(e) => setFilter('inspection_id', e.currentTarget.value)}>
          <option value="">{t('all_batches')}</option>
          {(p?.inspections ?? []).map((i) => (
            <option value={i.id}>{i.name}</option>
          ))}
        </select>
        <button class="link" onClick={() => download(`/api/projects/${pid}/stats/report.pdf${qs ? `?${qs}` : ''}`, 'summary.pdf')}>
          {t('summary_pdf')}
        </button>
      </div>
      <div class="tiles stat-tiles">
        <Tile label={t('s_defects')} value={n.defects} ok={null} onClick={() => list({})} />
        <Tile label={t('s_per_unit')} value={n.defects_per_unit ?? '—'} ok={null} onClick={() => list({})} />
        <Tile label={t('s_zero')} value={pct(n.zero_defect_rate)} ok={null} onClick={() => list({})} />
        <Tile
          label={t('s_completion')}
          value={pct(n.completion_rate)}
          target={pct(targets.completion_rate)}
          ok={meets('completion_rate', n.completion_rate, targets)}
          onClick={() => list({ status: 'open,assigned,fixed' })}
        />
        <Tile label={t('s_on_time')} value={pct(n.on_time_rate)} ok={null} onClick={() => list({ status: 'closed,visited' })} />
        <Tile label={t('s_overdue')} value={n.overdue} ok={n.overdue === 0} onClick={() => list({ overdue: '1' })} />
        <Tile label={t('s_repeat')} value={pct(n.repeat_rate)} ok={null} onClick={() => list({ repeat: '1' })} />
        <Tile label={t('s_days')} value={n.days_to_fix_mean ?? '—'} ok={null} onClick={() => list({ status: 'closed,visited' })} />
        <Tile
          label={t('s_satisfaction')}
          value={n.satisfaction_mean ?? '—'}
          target={targets.satisfaction_mean}
          ok={meets('satisfaction_mean', n.satisfaction_mean, targets)}
          onClick={() => list({ status: 'visited' })}
        />
        <Tile
          label={t('s_attendance')}
          value={pct(n.attendance_rate)}
          target={pct(targets.attendance_rate)}
          ok={meets('attendance_rate', n.attendance_rate, targets)}
          onClick={() => go(`/p/${pid}/owners${query.inspection_id ? `?round=${query.inspection_id}` : ''}`)}
        />
        <Tile label={t('owner_raised')} value={n.owner_raised ?? '—'} ok={null} onClick={() => list({ owner_raised: 'true' })} />
        <Tile
          label={t('s_visits_split')}
          value={`${n.visits_by_owner ?? 0} / ${n.visits_by_phone ?? 0}`}
          ok={null}
          onClick={() => list({ visit_method: 'phone' })}
        />
        <Tile label={t('s_visits_due')} value={n.visits_due ?? '—'} ok={(n.visits_due ?? 0) === 0} onClick={() => go(`/p/${pid}/visits`)} />
      </div>
      <h3>{t('weekly_trend')}</h3>
      <TrendChart trend={trend} />
      <h3>{t('top_types')}</h3>
      <ol class="top-types">
        {top.map((ty) => (
          <li key={ty.type_id}>
            <button class="link" onClick={() => list({ type_id: ty.type_id })}>
              {ty.name_zh} · {ty.defects}
            </button>
          </li>
        ))}
      </ol>
      <h3>{t('scorecard')}</h3>
      <table class="scorecard">
        <thead>
          <tr>
            <th>{t('month')}</th>
            <th>{t('contractor')}</th>
            <th>{t('sc_assigned')}</th>
            <th>{t('sc_accepted')}</th>
            <th>{t('sc_closed')}</th>
            <th>{t('sc_on_time')}</th>
            <th>{t('sc_repeat')}</th>
            <th>{t('s_satisfaction')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {scorecard.map((r) => (
            <tr key={`${r.contractor_id}-${r.month}`}>
              <td>{r.month}</td>
              <td>
                <button class="link" onClick={() => list({ contractor_id: r.contractor_id })}>
                  {r.contractor}
                </button>
              </td>
              <td>{r.assigned}</td>
              <td>{pct(r.accepted_in_time_rate)}</td>
              <td>{r.closed}</td>
              <td>{pct(r.on_time_rate)}</td>
              <td>{r.repeat_repairs}</td>
              <td>{r.satisfaction_mean ?? '—'}</td>
              <td>
                <button
                  class="link"
                  onClick={() =>
                    download(`/api/projects/${pid}/notices?${statsQuery({ ...query, contractor_id: r.contractor_id })}`, 'notice.xlsx')
                  }
                >
                  {t('notice_xlsx')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
