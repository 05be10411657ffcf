/** An image from the local blob cache; online, a missing one is fetched with the token and cached. */
import { useEffect, useState } from 'preact/hooks';
import { photoForShowing } from '../photo/remote.js';

export function useBlobUrl(sha256, size = 'thumb') {
  const [url, setUrl] = useState(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!sha256) return undefined;
    let objectUrl = null;
    let cancelled = false;
    let retry = null;
    (async () => {
      const { blob: b, pending, retryAfter } = await photoForShowing(sha256, size);
      if (cancelled) return;
      if (b) {
        objectUrl = URL.createObjectURL(new Blob([b.bytes], { type: b.mime }));
        setUrl(objectUrl);
      } else if (pending) {
        retry = setTimeout(() => setAttempt((n) => n + 1), retryAfter * 1000); // the server is still making it
      }
    })();
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [sha256, size, attempt]);
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
