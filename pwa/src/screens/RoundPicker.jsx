/** The round new records go into, shown on every screen and changeable there (检查批次). */
import { t } from '../i18n/index.js';
import { emit } from '../page/bus.js';
import { currentInspection, refs } from '../page/refs.js';
import { chooseRound } from '../store/rounds.js';

export function RoundPicker({ projectId, buildingId = null }) {
  const p = refs.byProject.get(projectId);
  if (!p) return null;
  const list = (p.rounds?.length ? p.rounds : p.inspections).filter((r) => !r.status || r.status === 'open');
  const current = currentInspection(projectId, buildingId);
  if (!list.length && !current) {
    return (
      <span class="round-picker muted small" data-round="">
        {t('no_open_round')}
      </span>
    );
  }
  const pick = async (e) => {
    const id = e.target.value;
    refs.chosenRound.set(projectId, id);
    await chooseRound(projectId, id);
    emit('data');
  };
  return (
    <label class="round-picker small" data-round={current?.id ?? ''}>
      <span class="muted">{t('round')}</span>
      <select name="round" aria-label={t('round')} value={current?.id ?? ''} onChange={pick}>
        {list.map((r) => (
          <option value={r.id} key={r.id}>
            {r.name}
          </option>
        ))}
      </select>
    </label>
  );
}
