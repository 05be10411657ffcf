/** Reference data downloaded for offline work: per project (buildings, units, 户型, inspections) and global. */
import { db } from './db.js';

export async function putReference(key, value) {
  await (await db()).put('reference', value, key);
}

export async function getReference(key, fallback = null) {
  const v = await (await db()).get('reference', key);
  return v === undefined ? fallback : v;
}

export const projectKey = (projectId, kind) => `${projectId}:${kind}`;
