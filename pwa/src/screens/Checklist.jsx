/**
 * 分户验收 walk: a unit's checklist room by room, each item pass / fail / not applicable or a measured
 * value judged by its tolerance. A failure creates its defect at once (type, room, the measurement);
 * photos are added on the defect as usual. Works offline: answers are saved with the outbox.
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { answerItem } from '../page/actions.js';
import { on } from '../page/bus.js';
import { currentInspection, refs, roomsOfUnit } from '../page/refs.js';
import { go } from '../page/router.js';
import { hasTolerance, itemsForRoom, judge, progressOf, toleranceText, UNIT_ROOM } from '../store/checklist.js';
import { answersOf, byUnit } from '../store/rounds.js';

function describe(item, measured) {
  const name = nameOf(item);
  if (measured == null) return t('checklist_fail_desc', { name });
  return t('checklist_measured_desc', { name, value: measured, unit: item.unit, tol: toleranceText(item) });
}

function ItemRow({ item, answer, onAnswer }) {
  const [value, setValue] = useState(answer?.measured ?? '');
  const measuredItem = hasTolerance(item);
  const submit = () => {
    if (value === '' || !Number.isFinite(Number(value))) return;
    const measured = Number(value);
    onAnswer(item, judge(item, measured), measured);
  };
  return (
    <li class={`check-item ${answer?.result ? `res-${answer.result}` : ''}`} data-item={item.code} data-result={answer?.result ?? ''}>
      <div class="check-text">
        <strong>{nameOf(item)}</strong>
        <span class="muted small">
          {item.method}
          {measuredItem && ` · ${t('tolerance')} ${toleranceText(item)}`}
        </span>
      </div>
      <div class="check-actions">
        {measuredItem ? (
          <form
            class="measure"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <input
              name="measured"
              type="number"
              inputMode="decimal"
              step="any"
              aria-label={t('measured')}
              placeholder={t('measured')}
              value={value}
              onInput={(e) => setValue(e.target.value)}
            />
            <button type="submit" class="seg" data-action="measure">
              {t('record')}
            </button>
          </form>
        ) : null}
        <div class="segmented">
          {['pass', 'fail', 'na'].map((r) => (
            <button
              type="button"
              key={r}
              data-answer={r}
              class={answer?.result === r ? `seg on res-${r}` : 'seg'}
              onClick={() => onAnswer(item, r, null)}
            >
              {t(`check_${r}`)}
            </button>
          ))}
        </div>
        {answer?.defect_id && (
          <button type="button" class="link" data-action="defect-photos" onClick={() => go(`/d/${answer.defect_id}`)}>
            {t('defect_created_photo')}
          </button>
        )}
      </div>
    </li>
  );
}

export function Checklist({ params }) {
  const unitId = Number(params[0]);
  const unit = refs.unitById.get(unitId);
  const project = refs.byProject.get(unit?.project_id);
  const round = unit ? currentInspection(unit.project_id, unit.building_id) : null;
  const items = project?.checklist ?? [];
  const rooms = roomsOfUnit(unit);
  const unitItems = items.filter((i) => i.room_kind === 'unit');
  const tabs = [...rooms, ...(unitItems.length || !rooms.length ? [{ id: UNIT_ROOM, name: t('whole_unit') }] : [])];
  const [roomId, setRoomId] = useState(tabs[0]?.id ?? UNIT_ROOM);
  const [answers, setAnswers] = useState({});
  useEffect(() => {
    if (!round || !unit) return undefined;
    const load = async () => setAnswers(byUnit(await answersOf(unit.project_id, round.id))[unitId] ?? {});
    load();
    return on('data', load);
  }, [unitId, round?.id]);
  if (!unit) return <p class="empty">{t('not_found')}</p>;
  if (!round || !round.status) return <p class="empty">{t('no_open_round')}</p>;
  if (!items.length) return <p class="empty">{t('checklist_unavailable')}</p>;
  const room = tabs.find((r) => r.id === roomId) ?? tabs[0];
  const shown = itemsForRoom(items, room, rooms.length > 0);
  const progress = progressOf(items, rooms, answers);
  const onAnswer = async (item, result, measured) => {
    const previous = answers[`${room.id}:${item.id}`];
    await answerItem({ round, unit, roomId: room.id, item, result, measured, previous, description: describe(item, measured) });
  };
  const roomDone = (r) => progressOf(itemsForRoom(items, r, rooms.length > 0).map((i) => ({ ...i, room_kind: 'unit' })), [], remap(answers, r.id));
  return (
    <section class="checklist" data-progress={progress.status} data-done={progress.done} data-total={progress.total}>
      <h2>
        {t('checklist')} · {unit.label || unit.number}{' '}
        <span class={`badge ${progress.status === 'done' ? 'ok' : 'todo'}`} data-inspected={progress.status}>
          {progress.status === 'done' ? t('inspected') : t('not_inspected')}
        </span>
      </h2>
      <p class="muted small">
        {round.name} · {t('checklist_progress', { done: progress.done, total: progress.total })}
      </p>
      <div class="chips rooms" role="tablist">
        {tabs.map((r) => {
          const p = roomDone(r);
          return (
            <button
              type="button"
              role="tab"
              key={r.id}
              data-room={r.id}
              aria-selected={r.id === room.id}
              class={r.id === room.id ? 'chip on' : 'chip'}
              onClick={() => setRoomId(r.id)}
            >
              {r.name} <small>{`${p.done}/${p.total}`}</small>
            </button>
          );
        })}
      </div>
      <ul class="check-list">
        {shown.map((item) => (
          <ItemRow key={`${room.id}:${item.id}`} item={item} answer={answers[`${room.id}:${item.id}`]} onAnswer={onAnswer} />
        ))}
      </ul>
      <footer class="actionbar">
        <button class="secondary big" type="button" onClick={() => go(`/u/${unitId}`)}>
          {t('back_to_unit')}
        </button>
      </footer>
    </section>
  );
}

/** A room's answers as unit-level ones, so progressOf counts that room alone. */
function remap(answers, roomId) {
  const out = {};
  for (const [k, v] of Object.entries(answers)) {
    const [r, i] = k.split(':');
    if (Number(r) === roomId) out[`${UNIT_ROOM}:${i}`] = v;
  }
  return out;
}
