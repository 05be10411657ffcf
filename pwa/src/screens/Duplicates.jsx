/**
 * 疑似重复: the pairs the server recorded as the same problem arrived from two tablets (kept on the device
 * by each sync pass, so the list opens offline): merge keeps the first record and voids the other as its
 * duplicate, moving its photos and comments (a queued `defect.merge`, so it works offline too); "not a
 * duplicate" tells the server to stop asking (online).
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { mergeDefect } from '../page/actions.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { mayOpen } from '../store/apply.js';
import { getDefect } from '../store/defects.js';
import { openSuspects, putSuspects, settleSuspect, suspectsOf } from '../store/duplicates.js';
import { OfflineError, getJson, sendJson } from '../sync/api.js';

function Side({ d }) {
  const unit = refs.unitById.get(d.unit_id);
  return (
    <button type="button" class="tile" onClick={() => go(`/d/${d.id}`)}>
      <strong>{nameOf(refs.typeById.get(d.type_id))}</strong> · {roomName(unit, d.room_id)}
      <span class="muted small">
        {d.description} · {t('photos')} {d.photos?.length ?? 0}
      </span>
    </button>
  );
}

export function Duplicates({ app, params }) {
  const pid = Number(params[0]);
  const role = app?.session?.user?.role;
  const [pairs, setPairs] = useState(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState(new Set());
  useEffect(() => {
    // What the last sync pass brought first (offline too), then the server's list when it answers.
    const show = async (list) => {
      const out = [];
      for (const s of list) {
        const [dup, into] = [await getDefect(s.defect_id), await getDefect(s.duplicate_of_id)];
        if (dup && into) out.push({ ...s, dup, into });
      }
      const byId = new Map(out.flatMap((s) => [[s.dup.id, s.dup], [s.into.id, s.into]]));
      setPairs(openSuspects(out, (id) => byId.get(id)));
    };
    (async () => {
      await show(await suspectsOf(pid));
      try {
        const list = await getJson(`/api/projects/${pid}/duplicates`);
        await putSuspects(pid, list);
        await show(list);
      } catch (e) {
        if (!(e instanceof OfflineError)) setError(String(e?.message ?? e));
      }
    })();
  }, [pid]);
  if (!mayOpen('duplicates', role)) return <p class="empty">{t('not_found')}</p>;
  const settle = async (s) => {
    await settleSuspect(pid, s.defect_id, s.duplicate_of_id);
    setDone((x) => new Set([...x, s.defect_id]));
  };
  const merge = async (s) => {
    await mergeDefect(s.dup, s.into);
    await settle(s);
  };
  const dismiss = async (s) => {
    try {
      await sendJson('POST', `/api/defects/${s.defect_id}/not-duplicate`, { into: s.duplicate_of_id });
      await settle(s);
    } catch (e) {
      setError(e instanceof OfflineError ? t('dup_dismiss_online') : String(e?.message ?? e));
    }
  };
  if (pairs === null) return <p class="empty">{t('loading')}</p>;
  const open = pairs.filter((s) => !done.has(s.defect_id));
  return (
    <section class="duplicates" data-pairs={open.length}>
      <h2>{t('duplicates_title')}</h2>
      {error && <p class="error">{error}</p>}
      {!open.length && <p class="empty">{t('no_duplicates')}</p>}
      <ul class="tiles">
        {open.map((s) => (
          <li key={`${s.defect_id}:${s.duplicate_of_id}`} class="dup-pair" data-pair={s.defect_id}>
            <span class="badge dup-badge">
              {t('dup_badge')} · {t(`dup_reason_${s.reason}`)}
            </span>
            <Side d={s.into} />
            <Side d={s.dup} />
            <div class="segmented">
              <button type="button" class="primary" data-action="merge" onClick={() => merge(s)}>
                {t('merge_keep_first')}
              </button>
              <button type="button" class="secondary" data-action="dismiss" onClick={() => dismiss(s)}>
                {t('not_duplicate_pair')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
