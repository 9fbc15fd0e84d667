import { useEffect } from 'react';
import { runLiveNow } from '../store/live';
import { usePrefs, type Locale, type ThemeChoice, type View } from '../store/prefs';
import { ClassroomControls } from './components/ClassroomControls';
import { IncomingLinkBanner } from './components/IncomingLinkBanner';
import { Notices } from './components/Notices';
import { TabConflictBanner } from './components/TabConflictBanner';
import { WorkspaceBackupBanner } from './components/WorkspaceBackupBanner';
import { useT, type MessageKey } from './i18n';
import { PlaygroundView } from './views/PlaygroundView';
import { EvaluationView } from './views/EvaluationView';
import { CompareView } from './views/CompareView';
import { PresentationView } from './views/PresentationView';
import { PresetsView } from './views/PresetsView';

/** The app's screens; each is a component in ./views. */
const VIEWS: { id: View; key: MessageKey }[] = [
  { id: 'playground', key: 'nav.playground' },
  { id: 'evaluate', key: 'eval.nav' },
  { id: 'compare', key: 'nav.compare' },
  { id: 'presets', key: 'nav.presets' },
];

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
  const { theme, setTheme, locale, setLocale, view, setView, presentation } = usePrefs();
  useTheme(theme);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }, [locale]);
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
          <ClassroomControls />
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
      {presentation ? null : (
        <nav className="view-tabs" aria-label={t('nav.views')}>
          {VIEWS.map((entry) => (
            <button
              key={entry.id}
              className={`view-tab${view === entry.id ? ' active' : ''}`}
              aria-current={view === entry.id ? 'page' : undefined}
              onClick={() => setView(entry.id)}
            >
              {t(entry.key)}
            </button>
          ))}
        </nav>
      )}
      <Notices />
      <WorkspaceBackupBanner />
      <TabConflictBanner />
      <IncomingLinkBanner />
      {presentation ? (
        <PresentationView />
      ) : (
        <>
          {view === 'playground' ? <PlaygroundView onRunNow={runNow} /> : null}
          {view === 'evaluate' ? <EvaluationView /> : null}
          {view === 'compare' ? <CompareView /> : null}
          {view === 'presets' ? <PresetsView /> : null}
        </>
      )}
    </div>
  );
}
