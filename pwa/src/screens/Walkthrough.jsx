/**
 * 陪验签字: the unit's items in a customer-facing round as the owner sees them, the owner's remarks, and
 * both signatures. Works offline: signing records a `walkthrough.sign` mutation with the items as shown.
 * Items logged after the last signing are marked 签字后新增 and need a new round.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { signWalkthrough } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { getMeta } from '../store/db.js';
import { defectsOfUnit } from '../store/defects.js';
import { defectNo } from '../store/numbers.js';
import { SignatureField } from './SignatureField.jsx';

const CUSTOMER_FACING = ['open_day', 'pre_inspection', 'delivery', 'warranty'];

export function Walkthrough({ params }) {
  const unitId = Number(params[0]);
  const unit = refs.unitById.get(unitId);
  const rounds = (refs.byProject.get(unit?.project_id)?.inspections ?? []).filter((i) => CUSTOMER_FACING.includes(i.kind));
  const [inspectionId, setInspectionId] = useState(rounds.at(-1)?.id ?? '');
  const [defects, setDefects] = useState([]);
  const [signed, setSigned] = useState([]);
  const [ownerName, setOwnerName] = useState('');
  const [remarks, setRemarks] = useState('');
  const [ownerSig, setOwnerSig] = useState(null);
  const [inspectorSig, setInspectorSig] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState(null);
  useEffect(() => {
    const load = async () => {
      setDefects(await defectsOfUnit(unitId));
      setSigned((await getMeta(`walkthroughs:${unitId}`)) ?? []);
    };
    load();
    return on('data', load);
  }, [unitId]);
  const items = useMemo(
    () => defects.filter((d) => d.inspection_id === inspectionId && d.status !== 'void'),
    [defects, inspectionId],
  );
  const last = signed.filter((s) => s.inspection_id === inspectionId).at(-1);
  const isNew = (d) => last && !last.items.includes(d.id);
  if (!unit) return <p class="empty">{t('not_found')}</p>;
  if (!rounds.length) return <p class="empty">{t('walk_no_round')}</p>;

  const snapshot = () =>
    items.map((d, n) => ({
      id: d.id,
      number: d.number ?? n + 1,
      room: roomName(unit, d.room_id).slice(0, 60),
      type: (nameOf(refs.typeById.get(d.type_id)) || '').slice(0, 60),
      severity: d.severity || 'B',
      description: (d.description || '').slice(0, 4000),
      due: d.due_date || '',
      photos: (d.photos || []).map((p) => p.sha256).slice(0, 50),
      owner_raised: Boolean(d.owner_raised),
    }));
  const sign = async () => {
    setBusy(true);
    setError('');
    try {
      const id = await signWalkthrough({
        unitId,
        inspectionId,
        ownerName: ownerName.trim(),
        remarks: remarks.trim(),
        items: snapshot(),
        ownerSig,
        inspectorSig,
      });
      setDone(id);
    } catch (e) {
      setError(t('save_failed', { error: e?.message ?? String(e) }));
    } finally {
      setBusy(false);
    }
  };
  const ready = ownerName.trim() && ownerSig && inspectorSig && !busy;
  if (done) {
    return (
      <section class="walkthrough card" data-signed={done}>
        <h2>{t('walk_signed')}</h2>
        <p>{t('walk_signed_hint')}</p>
        <button class="primary big" onClick={() => go(`/u/${unitId}`)}>
          {t('back_to_unit')}
        </button>
      </section>
    );
  }
  return (
    <section class="walkthrough">
      <h2>
        {t('walkthrough')} · {unit.label || unit.number}
      </h2>
      <label>
        {t('walk_round')}
        <select name="round" value={inspectionId} onChange={(e) => setInspectionId(e.target.value)}>
          {rounds.map((r) => (
            <option value={r.id} key={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      {last && <p class="muted small">{t('walk_last_signed', { n: signed.filter((s) => s.inspection_id === inspectionId).length })}</p>}
      <ol class="walk-items" data-count={items.length}>
        {items.map((d) => (
          <li key={d.id} data-defect={d.id}>
            <strong>{defectNo(d, t)} {nameOf(refs.typeById.get(d.type_id))}</strong> · {roomName(unit, d.room_id) || '—'} ·{' '}
            {d.severity} · {d.description || ''} {d.due_date && <span class="muted">→ {d.due_date}</span>}
            {d.owner_raised && <span class="badge owner">{t('owner_raised')}</span>}
            {isNew(d) && (
              <span class="badge warn" data-added-after-signing>
                {t('walk_added_after')}
              </span>
            )}
          </li>
        ))}
        {!items.length && <li class="muted">{t('walk_no_items')}</li>}
      </ol>
      <label>
        {t('walk_owner_name')}
        <input name="owner_name" maxLength={60} value={ownerName} onInput={(e) => setOwnerName(e.target.value)} />
      </label>
      <label>
        {t('walk_remarks')}
        <textarea name="remarks" maxLength={2000} value={remarks} onInput={(e) => setRemarks(e.target.value)} />
      </label>
      <SignatureField label={t('walk_owner_sign')} name="owner" onChange={setOwnerSig} />
      <SignatureField label={t('walk_inspector_sign')} name="inspector" onChange={setInspectorSig} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <footer class="actionbar">
        <button class="primary big" data-action="sign" disabled={!ready} onClick={sign}>
          {t('walk_sign')}
        </button>
      </footer>
    </section>
  );
}
