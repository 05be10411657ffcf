/**
 * "Download for offline": everything a day in the field needs for one project — the defect library,
 * contractors, buildings, the units the user may see, 户型 with rooms and plan images, inspections, the
 * project's defects through the sync pull (so later syncs continue from the same cursor) and the photos
 * the user's role needs offline, within the storage budget the project screen shows.
 *
 * Order: reference lists (in parallel), then the defects (the unit screens open as soon as the reference
 * is stored and fill in page by page), then plan images and photos. The pull's pages are what the device
 * stores: nothing is listed a second time through REST.
 */
import { getMeta, setMeta } from '../store/db.js';
import { getBlob, hasBlob, putBlob } from '../store/photos.js';
import { projectKey, putReference } from '../store/reference.js';
import { ApiError, getJson, request } from './api.js';
import { pull } from './client.js';

export const STEPS = ['reference', 'defects', 'plans', 'thumbs', 'photos'];
/** Bytes of photos a project may keep on the device unless the user changes it (meta `photo_budget`). */
export const DEFAULT_PHOTO_BUDGET = 300 * 1024 * 1024;
const PARALLEL = 6;
const DOWNLOAD_PAGE = 2000;

/** Run `job` over `items`, `width` at a time; `progress(done)` after each. */
async function inParallel(items, width, job, progress = () => {}) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await job(item);
      progress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * Fetch one image at `size` into the blob store unless it is there. `admit(bytes)` may refuse to keep a
 * fetched image (over the budget). Returns the bytes kept on the device for it (0 if refused or missing).
 */
async function fetchBlob(sha, size, admit = () => true) {
  const have = await getBlob(sha, size);
  if (have) return have.bytes?.byteLength ?? 0;
  try {
    const res = await request(`/api/photos/${sha}?size=${size}`);
    const bytes = await res.arrayBuffer();
    if (!admit(bytes.byteLength)) return 0;
    await putBlob(sha, size, { bytes, mime: res.headers.get('Content-Type') || 'image/jpeg' });
    return bytes.byteLength;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e; // a photo the server does not have (yet) or will not show
    return 0;
  }
}

/**
 * What photos the role needs in the field, in the order they are worth keeping: every defect's thumbnail
 * (lists and pins), then — for a crew — the before-photos of their open work at display size (they retake
 * the same angle), newest work first.
 */
export function photoPlan(photos, user) {
  const thumbs = [...new Set(photos.map((p) => p.sha256))].map((sha) => ({ sha, size: 'thumb' }));
  const display = [];
  if (user?.role === 'crew') {
    const seen = new Set();
    for (const p of photos) {
      const open = p.status === 'assigned' || p.status === 'open';
      if (p.kind === 'before' && open && p.contractor_id === user.contractor_id && !seen.has(p.sha256)) {
        seen.add(p.sha256);
        display.push({ sha: p.sha256, size: 'display' });
      }
    }
  }
  return { thumbs, display };
}

/** The project's offline footprint: {photoBytes, budget, quota, usage} (quota/usage from the browser). */
export async function storageOf(projectId) {
  const budget = (await getMeta('photo_budget')) ?? DEFAULT_PHOTO_BUDGET;
  const photoBytes = (await getMeta(`photo_bytes:${projectId}`)) ?? 0;
  let quota = null;
  let usage = null;
  try {
    ({ quota, usage } = (await globalThis.navigator?.storage?.estimate?.()) ?? {});
  } catch {
    // no estimate in this browser
  }
  return { photoBytes, budget, quota: quota ?? null, usage: usage ?? null };
}

export async function downloadProject(projectId, report = () => {}, onUsable = () => {}) {
  const lists = [
    ['projects', '/api/projects'],
    ['library', '/api/defect-library'],
    [projectKey(projectId, 'buildings'), `/api/projects/${projectId}/buildings`],
    [projectKey(projectId, 'units'), `/api/projects/${projectId}/units`],
    [projectKey(projectId, 'plan-types'), `/api/projects/${projectId}/plan-types`],
    [projectKey(projectId, 'inspections'), `/api/projects/${projectId}/inspections`],
    ['contractors', '/api/contractors', true], // some roles may not list contractors
  ];
  let done = 0;
  report({ step: 'reference', done, total: lists.length });
  const stored = {};
  await Promise.all(
    lists.map(async ([key, url, optional]) => {
      try {
        stored[key] = await getJson(url);
        await putReference(key, stored[key]);
      } catch (e) {
        if (!(optional && e instanceof ApiError)) throw e;
      }
      report({ step: 'reference', done: ++done, total: lists.length });
    }),
  );
  const projects = new Set((await getMeta('offline_projects')) ?? []);
  projects.add(projectId);
  await setMeta('offline_projects', [...projects]);
  await onUsable(); // the unit screens can open now; defects fill in page by page

  report({ step: 'defects', done: 0, total: null });
  // Pages of 2,000: on a slow link each request costs its latency again (Slow 4G: over half a second).
  const { photos } = await pull(projectId, (_, p) => report({ step: 'defects', done: p.defects, total: p.total }), {
    limit: DOWNLOAD_PAGE,
  });

  const plans = (stored[projectKey(projectId, 'plan-types')] ?? []).filter((p) => p.plan_sha256);
  report({ step: 'plans', done: 0, total: plans.length });
  await inParallel(
    plans,
    PARALLEL,
    (p) => fetchBlob(p.plan_sha256, 'display'),
    (d) => report({ step: 'plans', done: d, total: plans.length }),
  );

  const session = await getMeta('session');
  const { thumbs, display } = photoPlan(photos, session?.user);
  const budget = (await getMeta('photo_budget')) ?? DEFAULT_PHOTO_BUDGET;
  let bytes = 0; // photo bytes of this project on the device
  let skipped = 0;
  // Checked and counted in one synchronous step, so parallel fetches never overshoot the budget.
  const admit = (n) => {
    if (bytes + n > budget) {
      skipped += 1; // over the budget: shown from the server when there is a connection
      return false;
    }
    bytes += n;
    return true;
  };
  for (const [step, list] of [
    ['thumbs', thumbs],
    ['photos', display],
  ]) {
    if (!list.length) continue;
    report({ step, done: 0, total: list.length });
    await inParallel(
      list,
      PARALLEL,
      async ({ sha, size }) => {
        if (await hasBlob(sha, size)) {
          bytes += (await getBlob(sha, size))?.bytes?.byteLength ?? 0; // already here: it counts
        } else if (bytes >= budget) {
          skipped += 1;
        } else {
          await fetchBlob(sha, size, admit);
        }
      },
      (d) => report({ step, done: d, total: list.length, bytes, budget }),
    );
  }
  await setMeta(`photo_bytes:${projectId}`, bytes);
  await setMeta(`ready:${projectId}`, new Date().toISOString());
  report({ step: 'done', bytes, budget, skipped });
}
