/**
 * Inspection rounds on the tablet: the rounds of a project (reference "<project>:rounds", from
 * /api/projects/<id>/rounds), the round the inspector picked per project (meta "round:<project>"), the
 * checklist (reference "<project>:checklist") and answers: the server's per round (reference
 * "<project>:answers:<round>", fetched on each sync) and this device's own (meta "answers:<round>",
 * written with the outbox entry in one transaction by store/outbox.js).
 */
import { getMeta, setMeta } from './db.js';
import { mergeAnswers } from './checklist.js';
import { getReference, projectKey } from './reference.js';

export const CUSTOMER_FACING = ['open_day', 'pre_inspection', 'delivery', 'warranty'];

export const answersKey = (roundId) => `answers:${roundId}`;

/** Does the round cover this unit (its list, else its building and floors)? */
export function covers(round, unit) {
  if (!unit) return false;
  if (round.unit_ids?.length) return round.unit_ids.includes(unit.id);
  if (round.building_id != null && round.building_id !== unit.building_id) return false;
  return !round.floors?.length || round.floors.includes(unit.floor);
}

/**
 * The round new records go into: the one picked (while it is open), else the open customer-facing round
 * for the building, else any open round covering it, else (rounds from before the calendar) the latest
 * one that has started.
 */
export function pickRound(rounds, { chosenId = null, buildingId = null, today = new Date().toISOString().slice(0, 10) } = {}) {
  // Inspections listed without a status (other roles, older servers) count as open once started.
  const open = rounds.filter((r) => (r.status ? r.status === 'open' : (r.started_on ?? '') <= today));
  const chosen = open.find((r) => r.id === chosenId);
  if (chosen) return chosen;
  const here = open.filter((r) => buildingId == null || r.building_id == null || r.building_id === buildingId);
  const facing = here.filter((r) => CUSTOMER_FACING.includes(r.kind));
  const latest = (list) => [...list].sort((a, b) => (a.started_on ?? '').localeCompare(b.started_on ?? '')).at(-1);
  if (facing.length) return latest(facing);
  if (here.length) return latest(here);
  return latest(rounds.filter((r) => (r.started_on ?? '') <= today && r.status !== 'planned')) ?? null;
}

export async function chosenRoundId(projectId) {
  return getMeta(`round:${projectId}`);
}

export async function chooseRound(projectId, roundId) {
  await setMeta(`round:${projectId}`, roundId);
}

export async function checklistOf(projectId) {
  return (await getReference(projectKey(projectId, 'checklist'))) ?? [];
}

/** Every answer this device knows for a round: the server's, with its own still unsent on top. */
export async function answersOf(projectId, roundId) {
  const server = (await getReference(projectKey(projectId, `answers:${roundId}`))) ?? {};
  const mine = (await getMeta(answersKey(roundId))) ?? {};
  return mergeAnswers(server, mine);
}

/** Answers are stored by "unit:room:item"; this gives {unitId: {"room:item": answer}}. */
export function byUnit(answers) {
  const out = {};
  for (const [k, v] of Object.entries(answers)) {
    const [unit, room, item] = k.split(':');
    (out[unit] ??= {})[`${room}:${item}`] = v;
  }
  return out;
}

export const answerKey = (unitId, roomId, itemId) => `${unitId}:${roomId}:${itemId}`;
