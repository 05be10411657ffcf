/** An image from the local blob cache; online, a missing one is fetched with the token and cached. */
import { useEffect, useState } from 'preact/hooks';
import { bestBlob, putBlob } from '../store/photos.js';
import { request } from '../sync/api.js';

export function useBlobUrl(sha256, size = 'thumb') {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    if (!sha256) return undefined;
    let objectUrl = null;
    let cancelled = false;
    (async () => {
      let b = await bestBlob(sha256, size);
      if (!b && navigator.onLine) {
        try {
          const res = await request(`/api/photos/${sha256}?size=${size}`);
          b = { bytes: await res.arrayBuffer(), mime: res.headers.get('Content-Type') || 'image/jpeg' };
          await putBlob(sha256, size, b);
        } catch {
          b = null;
        }
      }
      if (b && !cancelled) {
        objectUrl = URL.createObjectURL(new Blob([b.bytes], { type: b.mime }));
        setUrl(objectUrl);
      }
    })();
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [sha256, size]);
  return url;
}

export function Photo({ sha256, size = 'thumb', alt = '', ...rest }) {
  const url = useBlobUrl(sha256, size);
  return url ? (
    <img src={url} alt={alt} data-sha={sha256} {...rest} />
  ) : (
    <span class="photo-missing" data-sha={sha256} {...rest}>
      ⧗
    </span>
  );
}
