/** The app frame: top bar with the sync indicator, the current screen, update and storage notices. */
import { useEffect, useState } from 'preact/hooks';
import { getLang, setLang, t } from '../i18n/index.js';
import { Annotate } from '../screens/Annotate.jsx';
import { Buildings } from '../screens/Buildings.jsx';
import { Checklist } from '../screens/Checklist.jsx';
import { DefectDetail } from '../screens/DefectDetail.jsx';
import { DefectForm } from '../screens/DefectForm.jsx';
import { Duplicates } from '../screens/Duplicates.jsx';
import { Floors } from '../screens/Floors.jsx';
import { FollowupSettings } from '../screens/FollowupSettings.jsx';
import { Inbox, InboxBadge } from '../screens/Inbox.jsx';
import { Join } from '../screens/Join.jsx';
import { Login } from '../screens/Login.jsx';
import { NotifySettings } from '../screens/NotifySettings.jsx';
import { OwnerHome } from '../screens/OwnerHome.jsx';
import { Projects } from '../screens/Projects.jsx';
import { RoundPicker } from '../screens/RoundPicker.jsx';
import { DownloadBar } from '../screens/DownloadBar.jsx';
import { SyncBar } from '../screens/SyncBar.jsx';
import { SyncPanel } from '../screens/SyncPanel.jsx';
import { TaskBoard } from '../screens/TaskBoard.jsx';
import { Unit } from '../screens/Unit.jsx';
import { lazyScreen } from '../stats/Lazy.jsx';
import { Walkthrough } from '../screens/Walkthrough.jsx';
import { on } from './bus.js';
import { refs } from './refs.js';
import { go, useRoute } from './router.js';

const SCREENS = {
  projects: Projects,
  buildings: Buildings,
  floors: Floors,
  unit: Unit,
  new: DefectForm,
  edit: DefectForm,
  defect: DefectDetail,
  annotate: Annotate,
  sync: SyncPanel,
  checklist: Checklist,
  duplicates: Duplicates,
  calendar: lazyScreen('Calendar'),
  inbox: Inbox,
  dashboard: lazyScreen('Dashboard'),
  project_defects: lazyScreen('ProjectDefects'),
  delivery: lazyScreen('DeliveryOverview'),
  delivery_building: lazyScreen('DeliveryBuilding'),
  walkthrough: Walkthrough,
  mine: OwnerHome,
  tasks: TaskBoard,
  followup: FollowupSettings,
  notify_settings: NotifySettings,
};

// The project (and building) the screen is about, so the round picker can show on every screen; screens
// without one (projects, sync) keep the last.
let lastPlace = { projectId: null, buildingId: null };
function placeOf(route) {
  const [a, b] = route.params ?? [];
  if (['buildings', 'duplicates', 'calendar', 'followup'].includes(route.name)) return { projectId: Number(a), buildingId: null };
  if (route.name === 'floors') return { projectId: Number(a), buildingId: Number(b) };
  if (['unit', 'new', 'checklist'].includes(route.name)) {
    const u = refs.unitById.get(Number(a));
    if (u) return { projectId: u.project_id, buildingId: u.building_id };
  }
  return lastPlace;
}

export function App({ app }) {
  const route = useRoute();
  const [session, setSession] = useState(app.session);
  const [, setLangState] = useState(getLang());
  const [notice, setNotice] = useState(app.notice);
  useEffect(() => on('session', (s) => setSession(s)), []);
  useEffect(() => on('notice', (n) => setNotice(n)), []);
  useEffect(() => on('lang', (l) => setLangState(l)), []);
  const [, setDataTick] = useState(0);
  useEffect(() => on('data', () => setDataTick((n) => n + 1)), []);

  if (!session) {
    return (
      <div class="app">
        {route.name === 'join' ? <Join app={app} query={route.query} /> : <Login app={app} />}
      </div>
    );
  }
  lastPlace = placeOf(route);
  // A homeowner's home is their own unit (我的房屋), not the project list.
  const owner = session.user?.role === 'homeowner' && route.name === 'projects';
  const Screen = owner ? OwnerHome : (SCREENS[route.name] ?? Projects);
  const toggleLang = () => {
    const next = getLang() === 'zh' ? 'en' : 'zh';
    setLang(next);
    setLangState(next);
  };
  return (
    <div class="app">
      <header class="topbar">
        {route.name !== 'projects' && (
          <button class="icon-btn" aria-label={t('back')} onClick={() => history.back()}>
            ‹
          </button>
        )}
        <button class="brand" onClick={() => go('/')}>
          {t('app_name')}
        </button>
        <SyncBar app={app} />
        <InboxBadge />
        <button class="lang-btn" onClick={toggleLang}>
          {t('language')}
        </button>
      </header>
      {route.name !== 'projects' && <DownloadBar />}
      {lastPlace.projectId && (
        <div class="roundbar">
          <RoundPicker projectId={lastPlace.projectId} buildingId={lastPlace.buildingId} />
        </div>
      )}
      {notice && (
        <div class={`notice notice-${notice.kind}`} role="status" data-notice={notice.kind}>
          <span>{t(notice.key)}</span>
          {notice.kind === 'update' && (
            <span>
              {' '}
              {t('update_after_sync')}{' '}
              <button class="link" onClick={() => app.driver?.trigger('manual')}>
                {t('sync_now')}
              </button>
            </span>
          )}
          <button class="link" aria-label="×" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
      <main class="screen">
        <Screen app={app} route={route} params={route.params} query={route.query} key={location.hash} />
      </main>
    </div>
  );
}
