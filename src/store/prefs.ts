// Per-browser display preferences (not part of a PromptSetup: a shared link never changes them).
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type Locale = 'en' | 'zh';
export type ThemeChoice = 'system' | 'light' | 'dark';
/** The app's screens (see src/ui/App.tsx). */
export type View = 'playground' | 'evaluate' | 'presets' | 'compare';

export interface PrefsState {
  locale: Locale;
  theme: ThemeChoice;
  presentation: boolean;
  view: View;
  setLocale(locale: Locale): void;
  setTheme(theme: ThemeChoice): void;
  setPresentation(on: boolean): void;
  setView(view: View): void;
}

export function browserLocale(languages: readonly string[] = globalThis.navigator?.languages ?? []): Locale {
  return languages.some((lang) => lang.toLowerCase().startsWith('zh')) &&
    !languages.slice(0, 1).some((lang) => lang.toLowerCase().startsWith('en'))
    ? 'zh'
    : 'en';
}

export const usePrefs = create<PrefsState>()(
  persist(
    (set) => ({
      locale: browserLocale(),
      theme: 'system',
      presentation: false,
      view: 'playground',
      setLocale: (locale) => set({ locale }),
      setTheme: (theme) => set({ theme }),
      setPresentation: (presentation) => set({ presentation }),
      setView: (view) => set({ view }),
    }),
    {
      name: 'clozelab.prefs',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ locale, theme }) => ({ locale, theme }),
      // Unknown or corrupt saved prefs fall back to the defaults instead of breaking the page.
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<PrefsState>;
        return {
          ...current,
          locale: saved.locale === 'en' || saved.locale === 'zh' ? saved.locale : current.locale,
          theme:
            saved.theme === 'light' || saved.theme === 'dark' || saved.theme === 'system' ? saved.theme : current.theme,
        };
      },
    },
  ),
);
