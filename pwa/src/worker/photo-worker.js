/** Worker: compresses and hashes camera photos off the page's main thread. */
import { compressPhoto } from '../photo/compress.js';

self.onmessage = async (e) => {
  const { id, blob, options } = e.data;
  try {
    const r = await compressPhoto(blob, options);
    self.postMessage({ id, ok: true, result: r }, [r.bytes, r.thumb.bytes]);
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err?.message ?? err) });
  }
};
