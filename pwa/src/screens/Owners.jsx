/**
 * 业主邀请与到访: a homeowner-facing round (工地开放日 / 客户预验收 / 交付陪验) of the project, its units by
 * building with their invitation and check-in, and the round's 到访率. Staff check an owner in at the door
 * (queued like any change: works with no signal, once per unit); a manager issues the invitation letters
 * for one unit or the whole building and downloads them as a PDF (online only: the server prints them).
 * The round's list and rate come from the server when online, else from the last fetch.
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t, when } from '../i18n/index.js';
import { checkInUnit } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { cachedJson, describe, download, pct } from '../stats/data.js';
import { getMeta } from '../store/db.js';
import { mergeCheckins, rateWith } from '../store/attendance.js';
import { covers } from '../store/rounds.js';
import { sendJson } from '../sync/api.js';

const FACING = ['open_day', 'pre_inspection', 'delivery'];

export function Owners({ app, params, query }) {
  const pid = Number(params[0]);
  const role = app?.session?.user?.role;
  const manager = role === 'admin' || role === 'manager';
  const p = refs.byProject.get(pid);
  const [list, setList] = useState(null);
  const [detail, setDetail] = useState(null);
  const [mine, setMine] = useState({});
  const buildingId = query.building ?? '';
  const [busy, setBusy] = useState('');
  const [message, setMessage] = useState('');
  const offlineRounds = (p?.rounds?.length ? p.rounds : (p?.inspections ?? [])).filter((r) => FACING.includes(r.kind));
  const rounds = list?.data?.rounds ?? offlineRounds;
  const roundId = query.round || rounds.at(-1)?.id || '';
  const round = rounds.find((r) => r.id === roundId);

  useEffect(() => {
    const load = () => cachedJson(`/api/projects/${pid}/attendance`).then(setList);
    load();
    return on('sync', (s) => !s.running && load());
  }, [pid]);
  useEffect(() => {
    if (!roundId) return undefined;
    const load = async () => {
      setDetail(await cachedJson(`/api/inspections/${roundId}/attendance`));
      setMine((await getMeta(`checkins:${roundId}`)) ?? {});
    };
    load();
    const offData = on('data', async () => setMine((await getMeta(`checkins:${roundId}`)) ?? {}));
    const offSync = on('sync', (s) => !s.running && load());
    return () => {
      offData();
      offSync();
    };
  }, [roundId]);

  if (!p) return <p class="empty">{t('not_downloaded')}</p>;
  if (!rounds.length) return <p class="empty">{t('walk_no_round')}</p>;
  const serverUnits = detail?.data?.units ?? null;
  const byId = new Map((serverUnits ?? []).map((u) => [u.unit_id, u]));
  const units = p.units
    .filter((u) => !round || covers(round, u))
    .filter((u) => !buildingId || u.building_id === Number(buildingId))
    .sort((a, b) => a.building_id - b.building_id || a.floor - b.floor || String(a.number).localeCompare(String(b.number)));
  const checked = mergeCheckins(serverUnits, mine);
  const rate = rateWith(detail?.data?.round ?? round, serverUnits, mine);
  const pick = (k, v) => go(`/p/${pid}/owners?${new URLSearchParams({ ...query, [k]: v })}`, { replace: true });

  const checkIn = async (u) => {
    await checkInUnit(roundId, u.id);
    setMine({ ...mine, [u.id]: new Date().toISOString() });
  };
  const letters = async (what) => {
    setBusy(what.unit_ids ? `u${what.unit_ids[0]}` : 'building');
    setMessage('');
    try {
      const issued = await sendJson('POST', `/api/projects/${pid}/invitation-letters`, { inspection_id: roundId, ...what });
      await download(issued.pdf_url, `invitation-letters-${pid}.pdf`);
      setMessage(t('letters_done', { n: issued.count, created: issued.created }));
      setDetail(await cachedJson(`/api/inspections/${roundId}/attendance`));
    } catch (e) {
      setMessage(describe(e));
    } finally {
      setBusy('');
    }
  };

  return (
    <section class="owners" data-round={roundId}>
      <h2>{t('owners_title')}</h2>
      <div class="filters">
        <select name="attendance_round" aria-label={t('walk_round')} value={roundId} onChange={(e) => pick('round', e.target.value)}>
          {rounds.map((r) => (
            <option value={r.id} key={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <select
          name="attendance_building"
          aria-label={t('buildings')}
          value={buildingId}
          onChange={(e) => pick('building', e.target.value)}
        >
          <option value="">{t('all_buildings')}</option>
          {p.buildings.map((b) => (
            <option value={b.id} key={b.id}>
              {nameOf(b)}
            </option>
          ))}
        </select>
      </div>
      <p class="attendance" data-attendance-rate={rate?.rate ?? ''} data-attended={rate?.attended ?? ''} data-invited={rate?.invited ?? ''}>
        <strong>{t('attendance')}</strong> {rate ? `${rate.attended} / ${rate.invited} · ${pct(rate.rate)}` : '—'}{' '}
        <span class="muted small">{t('target_x', { x: '80%' })}</span>
        {detail?.offline && detail.fetchedAt && <span class="muted small"> · {t('as_of', { t: when(detail.fetchedAt) })}</span>}
      </p>
      {manager && buildingId && (
        <p>
          <button class="primary" data-action="building-letters" disabled={!!busy} onClick={() => letters({ building_id: Number(buildingId) })}>
            {busy === 'building' ? t('loading') : t('letters_building')}
          </button>
        </p>
      )}
      {message && (
        <p class="notice" role="status" data-letters-message>
          {message}
        </p>
      )}
      <ul class="owner-units">
        {units.map((u) => {
          const s = byId.get(u.id);
          const at = checked[u.id];
          return (
            <li key={u.id} class="owner-unit-row" data-unit={u.id} data-checked-in={at ? '1' : '0'}>
              <span class="defect-main">
                <strong>{u.label || u.number}</strong>
                <span class="muted small">
                  {s?.owners?.map((o) => o.name).join('、') || t('no_owner_yet')}
                  {s && ` · ${s.letter ? t('letter_sent') : s.invited ? t('invited') : t('not_invited')}`}
                </span>
              </span>
              <span class="defect-side">
                {at ? (
                  <span class="badge ok" data-checked-at={at}>
                    ✓ {t('checked_in')} {when(at, true)}
                    {mine[u.id] && !s?.checked_in_at ? ` · ${t('unsynced')}` : ''}
                  </span>
                ) : (
                  <button class="primary" data-action="check-in" onClick={() => checkIn(u)}>
                    {t('checkin')}
                  </button>
                )}
                {manager && (
                  <button class="link" data-action="unit-letter" disabled={!!busy} onClick={() => letters({ unit_ids: [u.id] })}>
                    {busy === `u${u.id}` ? t('loading') : t('letter')}
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
