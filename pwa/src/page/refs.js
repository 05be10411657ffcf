/** Reference data in memory, loaded from IndexedDB at start and after a download: lookups by id. */
import { getMeta } from '../store/db.js';
import { flattenLibrary } from '../store/filter.js';
import { getReference, projectKey } from '../store/reference.js';

export const refs = {
  projects: [],
  offlineProjects: [],
  types: [],
  typeById: new Map(),
  contractors: [],
  byProject: new Map(),
  unitById: new Map(),
  planById: new Map(),
  buildingById: new Map(),
};

export async function loadRefs() {
  refs.projects = (await getReference('projects')) ?? [];
  refs.offlineProjects = (await getMeta('offline_projects')) ?? [];
  refs.types = flattenLibrary(await getReference('library'));
  refs.typeById = new Map(refs.types.map((t) => [t.id, t]));
  refs.contractors = (await getReference('contractors')) ?? [];
  refs.byProject = new Map();
  refs.unitById = new Map();
  refs.planById = new Map();
  refs.buildingById = new Map();
  for (const pid of refs.offlineProjects) {
    const p = {
      buildings: (await getReference(projectKey(pid, 'buildings'))) ?? [],
      units: (await getReference(projectKey(pid, 'units'))) ?? [],
      plans: (await getReference(projectKey(pid, 'plan-types'))) ?? [],
      inspections: (await getReference(projectKey(pid, 'inspections'))) ?? [],
      readyAt: await getMeta(`ready:${pid}`),
    };
    refs.byProject.set(pid, p);
    for (const u of p.units) refs.unitById.set(u.id, { ...u, project_id: u.project_id ?? pid });
    for (const pl of p.plans) refs.planById.set(pl.id, pl);
    for (const b of p.buildings) refs.buildingById.set(b.id, b);
  }
  return refs;
}

export function roomsOfUnit(unit) {
  return refs.planById.get(unit?.plan_type_id)?.rooms ?? [];
}

export function roomName(unit, roomId) {
  return roomsOfUnit(unit).find((r) => r.id === roomId)?.name ?? '';
}

/** The latest inspection round of a project that has started (new defects are logged in it). */
export function currentInspection(projectId) {
  const list = refs.byProject.get(projectId)?.inspections ?? [];
  const today = new Date().toISOString().slice(0, 10);
  const started = list.filter((i) => i.started_on <= today);
  return (started.length ? started : list).at(-1) ?? null;
}
