/** A screen from the manager's chunk, imported the first time one is opened. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

let loaded = null;

export function lazyScreen(name) {
  return function LazyScreen(props) {
    const [mod, setMod] = useState(loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (mod) return;
      import('./screens.js')
        .then((m) => {
          loaded = m;
          setMod(m);
        })
        .catch(() => setFailed(true));
    }, []);
    if (failed) return <p class="empty err">{t('error')}</p>;
    if (!mod) return <p class="empty">{t('loading')}</p>;
    const Screen = mod[name];
    return <Screen {...props} />;
  };
}
