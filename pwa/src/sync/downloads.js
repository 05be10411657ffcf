/**
 * The downloads under way, kept outside any screen: a download goes on while the user opens the project's
 * units (they fill in page by page), and every screen shows the same progress (DownloadBar). One download
 * per project at a time; 'download' fires on the bus with the whole state on every step, and 'data' after
 * each page of defects so an open unit screen re-reads what has arrived.
 */
import { emit } from '../page/bus.js';
import { downloadProject } from './download.js';
import { refreshRounds } from './rounds.js';

const active = new Map(); // projectId → {step, done, total, …}

/** {projectId: progress} of the downloads under way. */
export function downloads() {
  return Object.fromEntries(active);
}

function report(projectId, progress) {
  const before = active.get(projectId);
  active.set(projectId, progress);
  emit('download', downloads());
  // A page of defects has been stored: screens showing this project re-read it.
  if (progress.step === 'defects' && progress.done && progress.done !== before?.done) emit('data');
}

/**
 * Download `projectId` for offline use (see download.js); `reloadRefs()` makes the stored reference data
 * visible to the screens. Resolves when done; rejects with the error that stopped it. A second call for a
 * project already downloading returns the same promise.
 */
const running = new Map();
export function startDownload(projectId, reloadRefs) {
  if (running.has(projectId)) return running.get(projectId);
  const job = (async () => {
    try {
      report(projectId, { step: 'reference', done: 0, total: null });
      // The project opens as soon as its reference data is stored; its defects fill in while it downloads.
      await downloadProject(projectId, (p) => report(projectId, p), () => reloadRefs());
      await refreshRounds(projectId); // rounds, the checklist and its answers, for offline checklist walks
      await reloadRefs();
    } finally {
      active.delete(projectId);
      running.delete(projectId);
      emit('download', downloads());
      emit('data');
    }
  })();
  running.set(projectId, job);
  return job;
}
