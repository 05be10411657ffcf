/** A list of defects: type, room, severity, status, first photo, and whether it still waits to sync. */
import { day, nameOf, t } from '../i18n/index.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { defectNo } from '../store/numbers.js';
import { Photo } from './Photo.jsx';

export function SyncMark({ d }) {
  if (d._error) return <span class="badge err" title={d._error}>⚠ {t('rejected')}</span>;
  if (d._pending) return <span class="badge warn">{t('unsynced')}</span>;
  return null;
}

export function DefectList({ defects, unit }) {
  return (
    <ul class="defect-list">
      {defects.map((d) => (
        <li key={d.id}>
          <button class="defect-row" data-defect={d.id} onClick={() => go(`/d/${d.id}`)}>
            {d.photos?.[0] ? <Photo sha256={d.photos[0].sha256} class="thumb" /> : <span class="thumb none" />}
            <span class="defect-main">
              <strong>
                <span class="defect-no" data-no>{defectNo(d, t)}</span> {nameOf(refs.typeById.get(d.type_id)) || `#${d.type_id}`}
              </strong>
              <span class="muted">
                {roomName(unit, d.room_id)} {d.description}
              </span>
            </span>
            <span class="defect-side">
              {d.owner_raised && (
                <span class="badge owner" data-owner-raised>
                  {t('owner_raised')}
                </span>
              )}
              <span class={`sev sev-${d.severity}`}>{d.severity}</span>
              <span class={`status st-${d.status}`}>{t(`st_${d.status}`)}</span>
              {d.status === 'assigned' && d.fix_due_at && (
                <span class={`badge ${Date.parse(d.fix_due_at) < Date.now() ? 'warn' : ''}`} data-fix-due>
                  {day(d.fix_due_at)}
                </span>
              )}
              {d.escalation_level > 0 && <span class="badge warn" data-escalation={d.escalation_level}>L{d.escalation_level}</span>}
              <SyncMark d={d} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
