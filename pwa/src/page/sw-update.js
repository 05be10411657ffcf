/**
 * Service worker registration and updates. A new version installs in the background and waits; it
 * takes over (and the page reloads) only when this device has nothing left to sync. If the tablet
 * stays offline with unsynced work, the new version activates the next time the app is opened fresh
 * (the browser activates a waiting worker once no page uses the old one), so it never sticks.
 */
let registration = null;
let reloading = false;
let switching = false; // set when this page asked the waiting version to take over

export async function registerServiceWorker({ onUpdateWaiting }) {
  if (!('serviceWorker' in navigator)) return null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The first install also changes the controller (clients.claim): no reload for that one.
    if (reloading || !switching) return;
    reloading = true;
    location.reload();
  });
  registration = await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
  const watch = (worker) => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) onUpdateWaiting();
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) onUpdateWaiting();
  registration.addEventListener('updatefound', () => watch(registration.installing));
  return registration;
}

export function updateWaiting() {
  return Boolean(registration?.waiting && navigator.serviceWorker.controller);
}

/** Look for a new version (on start and when the app becomes visible). */
export function checkForUpdate() {
  registration?.update().catch(() => {});
}

/** Switch to the waiting version; call only with nothing unsynced. */
export function activateWaiting() {
  if (!registration?.waiting) return;
  switching = true;
  registration.waiting.postMessage({ type: 'SKIP_WAITING' });
}
