/** Page side of photo compression: use the worker when it can do the job, else compress on the page. */
import { compressPhoto } from './compress.js';

let worker = null;
let nextId = 0;
const waiting = new Map();

function getWorker() {
  if (worker === null) {
    worker = false;
    if (typeof OffscreenCanvas !== 'undefined' && typeof Worker !== 'undefined') {
      try {
        worker = new Worker(new URL('../worker/photo-worker.js', import.meta.url), { type: 'module' });
        worker.onmessage = (e) => {
          const w = waiting.get(e.data.id);
          waiting.delete(e.data.id);
          if (e.data.ok) w.resolve(e.data.result);
          else w.reject(new Error(e.data.error));
        };
      } catch {
        worker = false;
      }
    }
  }
  return worker;
}

/** Compress and hash one camera file. Falls back to the page when the worker cannot decode it (HEIC on Safari). */
export async function preparePhoto(file, options) {
  const w = getWorker();
  if (w) {
    try {
      return await new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, blob: file, options });
      });
    } catch {
      // fall through to the page, which can also decode through <img>
    }
  }
  return compressPhoto(file, options);
}
