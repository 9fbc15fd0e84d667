import { useEffect } from 'react';
import { isTestModelId } from '../core/models';
import { loadModel, OPENED_FOLDER_OWNER, refreshCacheStatus, runLiveNow } from '../store/live';
import { usePrefs, type Locale, type ThemeChoice, type View } from '../store/prefs';
import { useWorkspace } from '../store/workspace';
import { Notices } from './components/Notices';
import { useT, type MessageKey } from './i18n';
import { PlaygroundView } from './views/PlaygroundView';

/** The app's screens; each is a component in ./views. */
const VIEWS: { id: View; key: MessageKey }[] = [{ id: 'playground', key: 'nav.playground' }];

let started = false;

/** Once per page (StrictMode runs effects twice): load the model if that costs no download. */
async function startRuntime(): Promise<void> {
  if (started) return;
  started = true;
  const ref = useWorkspace.getState().setup.model;
  // A folder opened from the user's computer is gone after a reload: the model panel asks for it again.
  if (ref.id.startsWith(`${OPENED_FOLDER_OWNER}/`)) return;
  if (ref.source === 'local' || isTestModelId(ref.id)) {
    await loadModel(ref);
    return;
  }
  await refreshCacheStatus();
  if (useWorkspace.getState().model.cached) await loadModel(ref);
}

function useTheme(theme: ThemeChoice): void {
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

export function App() {
  const t = useT();
  const { theme, setTheme, locale, setLocale, view, setView } = usePrefs();
  useTheme(theme);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }, [locale]);
  useEffect(() => {
    void startRuntime();
  }, []);
  const runNow = () => void runLiveNow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) runNow();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <h1>
            Cloze<span>Lab</span>
          </h1>
          <p>{t('app.tagline')}</p>
        </div>
        <div className="header-controls">
          <label className="visually-hidden" htmlFor="locale-select">
            {t('header.language')}
          </label>
          <select id="locale-select" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            <option value="en">English</option>
            <option value="zh">中文</option>
          </select>
          <label className="visually-hidden" htmlFor="theme-select">
            {t('header.theme')}
          </label>
          <select id="theme-select" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
            <option value="system">{t('header.theme.system')}</option>
            <option value="light">{t('header.theme.light')}</option>
            <option value="dark">{t('header.theme.dark')}</option>
          </select>
        </div>
      </header>
      <nav className="view-tabs" aria-label={t('nav.views')}>
        {VIEWS.map((entry) => (
          <button key={entry.id} className={`view-tab${view === entry.id ? ' active' : ''}`} aria-current={view === entry.id ? 'page' : undefined} onClick={() => setView(entry.id)}>
            {t(entry.key)}
          </button>
        ))}
      </nav>
      <Notices />
      {view === 'playground' ? <PlaygroundView onRunNow={runNow} /> : null}
    </div>
  );
}
