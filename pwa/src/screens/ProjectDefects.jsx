/** The defects behind a dashboard number, from this device's copy (works offline), with an export. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { download } from '../stats/data.js';
import { drill } from '../stats/drill.js';
import { defectsOfProject } from '../store/defects.js';
import { DefectList } from './DefectList.jsx';

export function ProjectDefects({ params, query }) {
  const pid = Number(params[0]);
  const [defects, setDefects] = useState(null);
  useEffect(() => {
    defectsOfProject(pid).then((all) =>
      setDefects(drill(all, query, { unitsById: refs.unitById, typesById: refs.typeById })),
    );
  }, [pid, JSON.stringify(query)]);
  if (!defects) return <p class="empty">{t('loading')}</p>;
  const exportQuery = new URLSearchParams({ project_id: pid, format: 'xlsx' });
  if (query.contractor_id) exportQuery.set('contractor_id', query.contractor_id);
  for (const s of (query.status ?? '').split(',').filter(Boolean)) exportQuery.append('status', s);
  return (
    <section>
      <h2>
        {t('defect_list')} · {t('count_n', { n: defects.length })}
      </h2>
      <button class="link" onClick={() => download(`/api/defects/export?${exportQuery}`, 'defects.xlsx')}>
        {t('export_xlsx')}
      </button>
      <DefectList defects={defects} unit={null} />
    </section>
  );
}
