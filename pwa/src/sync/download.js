/**
 * "Download for offline": everything a day in the field needs for one project — buildings, the units
 * the user may see, 户型 with rooms and plan images, the defect library, contractors, inspections, the
 * project's defects (through the sync pull, so later syncs continue from the same cursor) and thumbnails.
 */
import { getMeta, setMeta } from '../store/db.js';
import { applyChanges } from '../store/defects.js';
import { hasBlob, putBlob } from '../store/photos.js';
import { getReference, projectKey, putReference } from '../store/reference.js';
import { ApiError, getJson, request } from './api.js';
import { pull } from './client.js';
import { fetchMissingThumbs } from './photo-upload.js';

const PAGE = 1000;

/** Every defect of the project the user may see, through the REST list, applied as server state. */
export async function snapshotDefects(projectId, progress = () => {}) {
  const shas = [];
  let done = 0;
  for (let page = 1; ; page++) {
    const res = await request(`/api/defects?project_id=${projectId}&per_page=${PAGE}&page=${page}`);
    const total = Number(res.headers.get('X-Total-Count') ?? 0);
    const rows = await res.json();
    await applyChanges(rows.map((d) => ({ kind: 'defect', id: d.id, op: 'upsert', data: d })));
    for (const d of rows) for (const p of d.photos ?? []) shas.push(p.sha256);
    done += rows.length;
    progress(done, total);
    if (rows.length < PAGE || done >= total) return shas;
  }
}

export const STEPS = ['reference', 'plans', 'defects', 'thumbs'];

export async function downloadProject(projectId, report = () => {}) {
  report({ step: 'reference', done: 0, total: 7 });
  const globalLists = [
    ['projects', '/api/projects'],
    ['library', '/api/defect-library'],
  ];
  const projectLists = [
    ['buildings', `/api/projects/${projectId}/buildings`],
    ['units', `/api/projects/${projectId}/units`],
    ['plan-types', `/api/projects/${projectId}/plan-types`],
    ['inspections', `/api/projects/${projectId}/inspections`],
  ];
  let done = 0;
  for (const [key, url] of globalLists) {
    await putReference(key, await getJson(url));
    report({ step: 'reference', done: ++done, total: 7 });
  }
  for (const [kind, url] of projectLists) {
    await putReference(projectKey(projectId, kind), await getJson(url));
    report({ step: 'reference', done: ++done, total: 7 });
  }
  try {
    await putReference('contractors', await getJson('/api/contractors'));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e; // some roles may not list contractors
  }
  report({ step: 'reference', done: 7, total: 7 });

  const plans = ((await getReference(projectKey(projectId, 'plan-types'))) ?? []).filter((p) => p.plan_sha256);
  for (let i = 0; i < plans.length; i++) {
    const sha = plans[i].plan_sha256;
    if (!(await hasBlob(sha, 'display'))) {
      try {
        const res = await request(`/api/photos/${sha}?size=display`);
        const bytes = await res.arrayBuffer();
        await putBlob(sha, 'display', { bytes, mime: res.headers.get('Content-Type') || 'image/jpeg' });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e; // the plan is drawn from its rooms without the image
      }
    }
    report({ step: 'plans', done: i + 1, total: plans.length });
  }

  const projects = new Set((await getMeta('offline_projects')) ?? []);
  projects.add(projectId);
  await setMeta('offline_projects', [...projects]);
  report({ step: 'defects', done: 0 });
  const { photoShas } = await pull(projectId, (n) => report({ step: 'defects', done: n }));
  // Defects that were never changed through sync (imported, demo data) are not in the change feed:
  // list them too. Listed after the pull, so they are at least as new as the cursor.
  photoShas.push(...(await snapshotDefects(projectId, (n, total) => report({ step: 'defects', done: n, total }))));

  report({ step: 'thumbs', done: 0, total: photoShas.length });
  await fetchMissingThumbs(photoShas, (d, t) => report({ step: 'thumbs', done: d, total: t }));
  await setMeta(`ready:${projectId}`, new Date().toISOString());
  report({ step: 'done' });
}
