import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import ar from './locales/ar';
import cs from './locales/cs';
import da from './locales/da';
import en from './locales/en';
import es from './locales/es';
import fr from './locales/fr';

/** The languages of our product documentation, plus English. */
export const LANGUAGES = [
  { code: 'en', label: 'English', dir: 'ltr' },
  { code: 'da', label: 'Dansk', dir: 'ltr' },
  { code: 'cs', label: 'Čeština', dir: 'ltr' },
  { code: 'ar', label: 'العربية', dir: 'rtl' },
  { code: 'fr', label: 'Français', dir: 'ltr' },
  { code: 'es', label: 'Español', dir: 'ltr' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];

export const directionOf = (code: string): 'ltr' | 'rtl' => LANGUAGES.find((l) => l.code === code)?.dir ?? 'ltr';

/** The language: `?lang=` once, then the one chosen before, then the browser's, then English. */
function initialLanguage(): LanguageCode {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  const stored = localStorage.getItem('tandem.lang');
  const browser = navigator.language.slice(0, 2);
  for (const candidate of [fromUrl, stored, browser]) if (candidate && LANGUAGES.some((l) => l.code === candidate)) return candidate as LanguageCode;
  return 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, da: { translation: da }, cs: { translation: cs }, ar: { translation: ar }, fr: { translation: fr }, es: { translation: es } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Keeps <html lang dir> in step with the language, and remembers the choice. */
export function applyLanguage(code: string) {
  document.documentElement.lang = code;
  document.documentElement.dir = directionOf(code);
  localStorage.setItem('tandem.lang', code);
}
applyLanguage(i18n.language);
i18n.on('languageChanged', applyLanguage);

export default i18n;
