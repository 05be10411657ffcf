/** Reference data in memory, loaded from IndexedDB at start and after a download: lookups by id. */
import { getMeta } from '../store/db.js';
import { flattenLibrary } from '../store/filter.js';
import { getReference, projectKey } from '../store/reference.js';
import { pickRound } from '../store/rounds.js';

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
  chosenRound: new Map(), // project → the round the inspector picked
};

export async function loadRefs() {
  refs.projects = (await getReference('projects')) ?? [];
  refs.offlineProjects = (await getMeta('offline_projects')) ?? [];
  refs.types = flattenLibrary(await getReference('library'));
  refs.typeById = new Map(refs.types.map((t) => [t.id, t]));
  refs.contractors = (await getReference('contractors')) ?? [];
  refs.byProject = new Map();
  refs.chosenRound = new Map();
  refs.unitById = new Map();
  refs.planById = new Map();
  refs.buildingById = new Map();
  for (const pid of refs.offlineProjects) {
    const p = {
      buildings: (await getReference(projectKey(pid, 'buildings'))) ?? [],
      units: (await getReference(projectKey(pid, 'units'))) ?? [],
      plans: (await getReference(projectKey(pid, 'plan-types'))) ?? [],
      inspections: (await getReference(projectKey(pid, 'inspections'))) ?? [],
      rounds: (await getReference(projectKey(pid, 'rounds'))) ?? [],
      checklist: (await getReference(projectKey(pid, 'checklist'))) ?? [],
      readyAt: await getMeta(`ready:${pid}`),
    };
    refs.byProject.set(pid, p);
    refs.chosenRound.set(pid, await getMeta(`round:${pid}`));
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

/**
 * The round new defects go into: the one the inspector picked, else the open customer-facing round of the
 * building (store/rounds.js pickRound); without the rounds list, the latest inspection that has started.
 */
export function currentInspection(projectId, buildingId = null) {
  const p = refs.byProject.get(projectId);
  const list = p?.rounds?.length ? p.rounds : (p?.inspections ?? []);
  return pickRound(list, { chosenId: refs.chosenRound.get(projectId) ?? null, buildingId });
}

/** After a sync pass: the rounds and checklist the pass fetched (sync/rounds.js), without reloading the rest. */
export async function reloadRounds() {
  for (const [pid, p] of refs.byProject) {
    p.rounds = (await getReference(projectKey(pid, 'rounds'))) ?? [];
    p.checklist = (await getReference(projectKey(pid, 'checklist'))) ?? [];
  }
}
