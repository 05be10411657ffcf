/** A unit: the floor plan with its defect pins (tap to add one) and the list, filtered by room, type, status. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { refs, roomsOfUnit } from '../page/refs.js';
import { go } from '../page/router.js';
import { STATUSES } from '../store/apply.js';
import { defectsOfUnit } from '../store/defects.js';
import { filterDefects } from '../store/filter.js';
import { DefectList } from './DefectList.jsx';
import { PlanView } from './PlanView.jsx';

const STAFF = ['admin', 'manager', 'inspector'];

export function Unit({ app, params }) {
  const unitId = Number(params[0]);
  const unit = refs.unitById.get(unitId);
  const [defects, setDefects] = useState(null);
  const [filters, setFilters] = useState({ room_id: '', type_id: '', status: '', owner_raised: '' });
  useEffect(() => {
    const load = async () => setDefects(await defectsOfUnit(unitId));
    load().then(() => performance.mark?.('unit-ready'));
    return on('data', load);
  }, [unitId]);
  const shown = useMemo(() => filterDefects(defects ?? [], filters), [defects, filters]);
  if (!unit) return <p class="empty">{t('not_found')}</p>;
  const plan = refs.planById.get(unit.plan_type_id);
  const rooms = roomsOfUnit(unit);
  const typesHere = [...new Set((defects ?? []).map((d) => d.type_id))].map((id) => refs.typeById.get(id)).filter(Boolean);
  const set = (k) => (e) => setFilters({ ...filters, [k]: e.target.value });
  const building = refs.buildingById.get(unit.building_id);
  return (
    <section class="unit" data-ready={defects ? 'unit' : undefined}>
      <h2>
        {unit.label || `${nameOf(building)} ${unit.number}`} <span class="muted small">{plan?.name}</span>
      </h2>
      <div class="unit-layout">
        <div class="plan-pane">
          {plan ? (
            <PlanView
              plan={plan}
              defects={shown}
              selectedRoom={Number(filters.room_id) || null}
              onTap={(x, y) => go(`/u/${unitId}/new?x=${x.toFixed(4)}&y=${y.toFixed(4)}`)}
              onPin={(d) => go(`/d/${d.id}`)}
            />
          ) : (
            <p class="empty">{t('no_plan')}</p>
          )}
          <p class="muted small">{t('tap_plan_hint')}</p>
        </div>
        <div class="list-pane">
          <div class="filters">
            <select aria-label={t('room')} name="room" value={filters.room_id} onChange={set('room_id')}>
              <option value="">{t('any_room')}</option>
              {rooms.map((r) => (
                <option value={r.id} key={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
            <select aria-label={t('type')} name="type" value={filters.type_id} onChange={set('type_id')}>
              <option value="">{t('any_type')}</option>
              {typesHere.map((ty) => (
                <option value={ty.id} key={ty.id}>
                  {nameOf(ty)}
                </option>
              ))}
            </select>
            <select aria-label={t('status')} name="status" value={filters.status} onChange={set('status')}>
              <option value="">{t('any_status')}</option>
              {STATUSES.map((s) => (
                <option value={s} key={s}>
                  {t(`st_${s}`)}
                </option>
              ))}
            </select>
            <select aria-label={t('owner_raised')} name="owner_raised" value={filters.owner_raised} onChange={set('owner_raised')}>
              <option value="">{t('any_source')}</option>
              <option value="1">{t('owner_raised')}</option>
              <option value="0">{t('not_owner_raised')}</option>
            </select>
          </div>
          <p class="muted small" data-count={shown.length}>
            {t('count_n', { n: shown.length })}
          </p>
          <DefectList defects={shown} unit={unit} />
        </div>
      </div>
      <footer class="actionbar">
        {(refs.byProject.get(unit.project_id)?.checklist?.length ?? 0) > 0 && (
          <button class="secondary big" data-action="checklist" onClick={() => go(`/u/${unitId}/checklist`)}>
            {t('checklist')}
          </button>
        )}
        {STAFF.includes(app?.session?.user?.role) && (
          <button class="secondary big" data-action="walkthrough" onClick={() => go(`/u/${unitId}/walkthrough`)}>
            {t('walkthrough')}
          </button>
        )}
        <button class="primary big" data-action="new-defect" onClick={() => go(`/u/${unitId}/new`)}>
          ＋ {t('new_defect')}
        </button>
      </footer>
    </section>
  );
}
