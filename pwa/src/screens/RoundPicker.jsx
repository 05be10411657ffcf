/** The round new records go into, shown on every screen and changeable there (检查批次); for a
 * homeowner-facing round, its 到访率 as last fetched (sync/rounds.js keeps it for staff). */
import { useEffect, useState } from 'preact/hooks';
import { pct } from '../stats/data.js';
import { t } from '../i18n/index.js';
import { emit, on } from '../page/bus.js';
import { getMeta } from '../store/db.js';
import { attendanceKey } from '../sync/rounds.js';
import { currentInspection, refs } from '../page/refs.js';
import { chooseRound } from '../store/rounds.js';

export function RoundPicker({ projectId, buildingId = null }) {
  const [attendance, setAttendance] = useState(null);
  useEffect(() => {
    const load = async () => setAttendance((await getMeta(attendanceKey(projectId)))?.data?.rounds ?? null);
    load();
    return on('data', load);
  }, [projectId]);
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
  const att = attendance?.find((r) => r.id === current?.id);
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
      {att && att.invited > 0 && (
        <span class="badge" data-round-attendance={att.rate ?? ''}>
          {t('attendance')} {att.attended}/{att.invited} · {pct(att.rate)}
        </span>
      )}
    </label>
  );
}
