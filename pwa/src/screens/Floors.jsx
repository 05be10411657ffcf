/** A building's units as a floor grid (top floor first), each with its count of defects still to fix. */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { defectsOfProject } from '../store/defects.js';

const OPEN = new Set(['open', 'assigned', 'fixed']);

export function Floors({ params }) {
  const pid = Number(params[0]);
  const bid = Number(params[1]);
  const p = refs.byProject.get(pid);
  const [counts, setCounts] = useState(new Map());
  useEffect(() => {
    const load = async () => {
      const m = new Map();
      for (const d of await defectsOfProject(pid)) if (OPEN.has(d.status)) m.set(d.unit_id, (m.get(d.unit_id) ?? 0) + 1);
      setCounts(m);
    };
    load();
    return on('data', load);
  }, [pid]);
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
                .map((u) => (
                  <button key={u.id} class="unit-tile" data-unit={u.id} onClick={() => go(`/u/${u.id}`)}>
                    <span class="muted small">{t('entrance_n', { n: u.entrance })}</span>
                    <strong>{u.number}</strong>
                    {counts.get(u.id) ? <span class="count">{counts.get(u.id)}</span> : null}
                  </button>
                ))}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
