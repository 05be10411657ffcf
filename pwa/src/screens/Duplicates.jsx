/**
 * Suspected duplicates the server found (the same problem logged on two tablets): merge keeps the first
 * record and voids the other as its duplicate, moving its photos and comments (a queued `defect.merge`,
 * so it also works offline once the list is on screen); "not a duplicate" tells the server to stop asking.
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { mergeDefect } from '../page/actions.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { getDefect } from '../store/defects.js';
import { getJson, sendJson } from '../sync/api.js';
import { defectNo } from '../store/numbers.js';

function Side({ d }) {
  const unit = refs.unitById.get(d.unit_id);
  return (
    <button type="button" class="tile" onClick={() => go(`/d/${d.id}`)}>
      <strong><span class="defect-no" data-no>{defectNo(d, t)}</span> {nameOf(refs.typeById.get(d.type_id))}</strong> · {roomName(unit, d.room_id)}
      <span class="muted small">
        {d.description} · {t('photos')} {d.photos?.length ?? 0}
      </span>
    </button>
  );
}

export function Duplicates({ params }) {
  const pid = Number(params[0]);
  const [pairs, setPairs] = useState(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState(new Set());
  useEffect(() => {
    (async () => {
      try {
        const list = await getJson(`/api/projects/${pid}/duplicates`);
        const out = [];
        for (const s of list) {
          const [dup, into] = [await getDefect(s.defect_id), await getDefect(s.duplicate_of_id)];
          if (dup && into) out.push({ ...s, dup, into });
        }
        setPairs(out);
      } catch (e) {
        setError(String(e?.message ?? e));
        setPairs([]);
      }
    })();
  }, [pid]);
  const settle = (s) => setDone((x) => new Set([...x, s.defect_id]));
  const merge = async (s) => {
    await mergeDefect(s.dup, s.into);
    settle(s);
  };
  const dismiss = async (s) => {
    await sendJson('POST', `/api/defects/${s.defect_id}/not-duplicate`, { into: s.duplicate_of_id });
    settle(s);
  };
  if (pairs === null) return <p class="empty">{t('loading')}</p>;
  const open = pairs.filter((s) => !done.has(s.defect_id));
  return (
    <section class="duplicates">
      <h2>{t('duplicates_title')}</h2>
      {error && <p class="error">{error}</p>}
      {!open.length && <p class="empty">{t('no_duplicates')}</p>}
      <ul class="tiles">
        {open.map((s) => (
          <li key={s.defect_id} class="dup-pair" data-pair={s.defect_id}>
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
