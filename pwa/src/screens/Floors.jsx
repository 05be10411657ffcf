/** A building's units as a floor grid (top floor first), each with its count of defects still to fix. */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { currentInspection, refs, roomsOfUnit } from '../page/refs.js';
import { go } from '../page/router.js';
import { progressOf } from '../store/checklist.js';
import { defectsOfProject } from '../store/defects.js';
import { answersOf, byUnit, covers } from '../store/rounds.js';

const OPEN = new Set(['open', 'assigned', 'fixed']);

export function Floors({ params }) {
  const pid = Number(params[0]);
  const bid = Number(params[1]);
  const p = refs.byProject.get(pid);
  const [counts, setCounts] = useState(new Map());
  const [answers, setAnswers] = useState(null);
  const round = currentInspection(pid, bid);
  const checked = round?.status === 'open' && (p?.checklist?.length ?? 0) > 0;
  useEffect(() => {
    const load = async () => {
      const m = new Map();
      for (const d of await defectsOfProject(pid)) if (OPEN.has(d.status)) m.set(d.unit_id, (m.get(d.unit_id) ?? 0) + 1);
      setCounts(m);
      const r = currentInspection(pid, bid);
      setAnswers(r?.status === 'open' ? byUnit(await answersOf(pid, r.id)) : null);
    };
    load();
    return on('data', load);
  }, [pid, bid]);
  // 已验 / 未验 in the round: every checklist item of the unit answered, on any device that has synced.
  const inspected = (u) => {
    if (!checked || !answers || !covers(round, u)) return null;
    return progressOf(p.checklist, roomsOfUnit(u), answers[u.id] ?? {});
  };
  if (!p) return <p class="empty">{t('not_downloaded')}</p>;
  const building = refs.buildingById.get(bid);
  const units = p.units.filter((u) => u.building_id === bid);
  const floors = [...new Set(units.map((u) => u.floor))].sort((a, b) => b - a);
  return (
    <section>
      <h2>{nameOf(building)}</h2>
      <div class="floor-grid">
        {floors.map((f) => (
          <div class="floor-row" key={f}>
            <span class="floor-label">{t('floor_n', { n: f })}</span>
            <div class="floor-units">
              {units
                .filter((u) => u.floor === f)
                .map((u) => {
                  const pr = inspected(u);
                  return (
                    <button
                      key={u.id}
                      class={`unit-tile ${pr ? `insp-${pr.status}` : ''}`}
                      data-unit={u.id}
                      data-inspected={pr?.status ?? ''}
                      onClick={() => go(`/u/${u.id}`)}
                    >
                      <span class="muted small">{t('entrance_n', { n: u.entrance })}</span>
                      <strong>{u.number}</strong>
                      {pr && (
                        <span class="insp small">
                          {pr.status === 'done' ? t('inspected') : t('not_inspected')}
                          {pr.status === 'partial' && ` ${pr.done}/${pr.total}`}
                        </span>
                      )}
                      {counts.get(u.id) ? <span class="count">{counts.get(u.id)}</span> : null}
                    </button>
                  );
                })}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
