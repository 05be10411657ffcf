/**
 * New defect (from a tap on the plan) or edit. Type by search (Chinese, pinyin initials, English),
 * severity A/B/C defaulting from the type, quick phrases for the description, photos from the camera.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getLang, nameOf, t } from '../i18n/index.js';
import { phrasesFor } from '../i18n/phrases.js';
import { addPhotos, createDefect, updateDefect } from '../page/actions.js';
import { currentInspection, refs, roomsOfUnit } from '../page/refs.js';
import { go } from '../page/router.js';
import { saveErrorText } from '../page/save-error.js';
import { defectsOfUnit, getDefect } from '../store/defects.js';
import { possibleDuplicates } from '../store/duplicates.js';
import { roomAt, searchTypes } from '../store/filter.js';
import { defectNo } from '../store/numbers.js';
import { CUSTOMER_FACING } from '../store/rounds.js';
import { PhotoInput, PreparedPhotos } from './PhotoInput.jsx';
import { PlanView } from './PlanView.jsx';

const RECENT_KEY = 'yanshou.recentTypes';

function recentTypes() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
  } catch {
    return [];
  }
}

function rememberType(id) {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([id, ...recentTypes().filter((x) => x !== id)].slice(0, 8)));
  } catch {
    // not essential
  }
}

export function DefectForm({ app, route, params, query }) {
  const editing = route.name === 'edit';
  const [defect, setDefect] = useState(null);
  const unitId = editing ? defect?.unit_id : Number(params[0]);
  const unit = refs.unitById.get(unitId);
  const plan = refs.planById.get(unit?.plan_type_id);
  const rooms = roomsOfUnit(unit);
  const [pin, setPin] = useState(query.x ? { x: Number(query.x), y: Number(query.y) } : null);
  const [roomId, setRoomId] = useState(query.x ? (roomAt(rooms, Number(query.x), Number(query.y))?.id ?? '') : '');
  const [typeId, setTypeId] = useState(null);
  const [search, setSearch] = useState('');
  const [picking, setPicking] = useState(true);
  const [severity, setSeverity] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState([]);
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  const [unitDefects, setUnitDefects] = useState([]);
  const [notDuplicate, setNotDuplicate] = useState(false);
  const [ownerRaised, setOwnerRaised] = useState(false);

  useEffect(() => {
    if (!editing) return;
    getDefect(params[0]).then((d) => {
      if (!d) return;
      setDefect(d);
      setTypeId(d.type_id);
      setPicking(false);
      setSeverity(d.severity);
      setDescription(d.description ?? '');
      setRoomId(d.room_id ?? '');
      setOwnerRaised(Boolean(d.owner_raised));
      if (d.pin_x != null) setPin({ x: d.pin_x, y: d.pin_y });
    });
  }, [editing, params[0]]);
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.previewUrl)), []);
  useEffect(() => {
    if (!editing && unitId) defectsOfUnit(unitId).then(setUnitDefects);
  }, [unitId, editing]);

  const results = useMemo(() => {
    if (search) return searchTypes(refs.types, search, 24);
    const recent = recentTypes().map((id) => refs.typeById.get(id)).filter(Boolean);
    return recent.length ? recent : refs.types.slice(0, 12);
  }, [search]);
  const type = refs.typeById.get(typeId);
  // 可能重复: the same problem already logged on this unit (same type, same room or close by on the plan).
  const duplicates = editing || notDuplicate ? [] : possibleDuplicates(unitDefects, {
    unit_id: unitId,
    type_id: typeId,
    room_id: roomId === '' ? null : Number(roomId),
    pin_x: pin?.x ?? null,
    pin_y: pin?.y ?? null,
  });
  const addToExisting = async (d) => {
    setSaving(true);
    try {
      if (photos.length) await addPhotos(d, photos);
      go(`/d/${d.id}`, { replace: true });
    } catch (e) {
      setError(saveErrorText(e));
      setSaving(false);
    }
  };

  const chooseType = (ty) => {
    setTypeId(ty.id);
    if (!severity || !editing) setSeverity(ty.default_severity);
    setSearch('');
    setPicking(false);
  };
  const movePin = (x, y) => {
    setPin({ x, y });
    const r = roomAt(rooms, x, y);
    if (r) setRoomId(r.id);
  };
  const addPhrase = (p) => setDescription((d) => (d ? `${d}，${p}` : p));
  const onPhoto = (p) => {
    const previewUrl = URL.createObjectURL(new Blob([p.thumb.bytes], { type: p.thumb.mime }));
    setPhotos((list) => (list.some((x) => x.sha256 === p.sha256) ? list : [...list, { ...p, previewUrl }]));
  };

  const save = async () => {
    if (!typeId) {
      setError(t('choose_type'));
      return;
    }
    setSaving(true);
    setError('');
    rememberType(typeId);
    const room = roomId === '' ? null : Number(roomId);
    try {
      if (editing) {
        const fields = { type_id: typeId, severity, description, room_id: room, owner_raised: ownerRaised };
        if (pin) Object.assign(fields, { pin_x: Math.round(pin.x * 1e4) / 1e4, pin_y: Math.round(pin.y * 1e4) / 1e4 });
        await updateDefect(defect, fields);
        history.back();
      } else {
        await createDefect({
          unitId,
          typeId,
          severity,
          description: description.trim(),
          roomId: room,
          pinX: pin?.x,
          pinY: pin?.y,
          photos,
          ownerRaised: askOwner && ownerRaised,
        });
        go(`/u/${unitId}`, { replace: true });
      }
    } catch (e) {
      // An IndexedDB failure (storage full, the database closed under us): nothing was saved; say so and
      // let the inspector try again instead of leaving a disabled button.
      console.error('save failed', e);
      setError(saveErrorText(e));
      setSaving(false);
    }
  };

  if (!unit) return <p class="empty">{editing ? '' : t('not_found')}</p>;
  // 业主提出 is asked during a walkthrough: the round is a homeowner-facing one (or the item is being edited).
  const round = currentInspection(unit.project_id, unit.building_id);
  const staff = app?.session?.user?.role !== 'homeowner';
  const askOwner = staff && (editing || CUSTOMER_FACING.includes(round?.kind));
  return (
    <section class="defect-form">
      <h2>{editing ? t('edit_defect') : t('new_defect')}</h2>
      <div class="form-layout">
        <div class="form-plan">
          {plan && <PlanView plan={plan} draft={pin} selectedRoom={Number(roomId) || null} onTap={movePin} />}
          <label>
            {t('room')}
            <select name="room" value={roomId} onChange={(e) => setRoomId(e.target.value)}>
              <option value="">—</option>
              {rooms.map((r) => (
                <option value={r.id} key={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="form-fields">
          <fieldset>
            <legend>
              {t('type')}
              {type && (
                <strong class="chosen" data-chosen-type={type.id}>
                  : {nameOf(type)}
                </strong>
              )}
            </legend>
            {type && !picking ? (
              <button type="button" class="link" data-action="change-type" onClick={() => setPicking(true)}>
                {t('change_type')}
              </button>
            ) : (
              <>
                <input
                  type="search"
                  name="type-search"
                  placeholder={t('type_search')}
                  value={search}
                  onInput={(e) => setSearch(e.target.value)}
                />
                <div class="chips types">
                  {results.map((ty) => (
                    <button
                      type="button"
                      key={ty.id}
                      data-type={ty.code}
                      class={ty.id === typeId ? 'chip on' : 'chip'}
                      onClick={() => chooseType(ty)}
                    >
                      {nameOf(ty)}
                      <small>{getLang() === 'zh' ? ty.area_zh : ty.area_en}</small>
                    </button>
                  ))}
                </div>
              </>
            )}
          </fieldset>
          {!editing && (
            <fieldset>
              <legend>{t('photos')}</legend>
              <PhotoInput onPhoto={onPhoto} />
              <PreparedPhotos photos={photos} onRemove={(p) => setPhotos((l) => l.filter((x) => x !== p))} />
            </fieldset>
          )}
          <fieldset>
            <legend>{t('severity')}</legend>
            <div class="segmented">
              {['A', 'B', 'C'].map((s) => (
                <button
                  type="button"
                  key={s}
                  data-severity={s}
                  class={severity === s ? `seg on sev-${s}` : 'seg'}
                  onClick={() => setSeverity(s)}
                  title={t(`sev_${s}`)}
                >
                  {s}
                </button>
              ))}
            </div>
            <span class="muted small">{severity && t(`sev_${severity}`)}</span>
          </fieldset>
          <fieldset>
            <legend>{t('description')}</legend>
            <div class="chips">
              {phrasesFor(type, getLang()).map((p) => (
                <button type="button" class="chip" key={p} data-phrase={p} onClick={() => addPhrase(p)}>
                  {p}
                </button>
              ))}
            </div>
            <textarea name="description" rows="2" value={description} onInput={(e) => setDescription(e.target.value)} />
          </fieldset>
          {askOwner && (
            <label class="toggle owner-raised">
              <input
                type="checkbox"
                name="owner_raised"
                checked={ownerRaised}
                onChange={(e) => setOwnerRaised(e.target.checked)}
              />{' '}
              {t('owner_raised')} <span class="muted small">{t('owner_raised_hint')}</span>
            </label>
          )}
          {duplicates.length > 0 && (
            <div class="duplicate-box" role="alert" data-duplicates={duplicates.length}>
              <strong>{t('possible_duplicate')}</strong>
              <ul>
                {duplicates.map((d) => (
                  <li key={d.id} data-duplicate={d.id}>
                    <span>
                      {defectNo(d, t)} {nameOf(refs.typeById.get(d.type_id))} · {rooms.find((r) => r.id === d.room_id)?.name ?? ''}{' '}
                      <span class="muted small">{d.description}</span>
                    </span>
                    <button type="button" class="primary" data-action="add-to-existing" disabled={saving} onClick={() => addToExisting(d)}>
                      {photos.length ? t('add_photos_to_existing') : t('open_existing')}
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" class="link" data-action="not-duplicate" onClick={() => setNotDuplicate(true)}>
                {t('not_duplicate')}
              </button>
            </div>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
      <footer class="actionbar">
        <button class="secondary big" type="button" onClick={() => history.back()}>
          {t('cancel')}
        </button>
        <button class="primary big" type="button" data-action="save" disabled={saving} onClick={save}>
          {t('save')}
        </button>
      </footer>
    </section>
  );
}
