import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DatabaseView } from './database-view';
import { FunctionsView } from './functions-view';
import { translator, type Label, type Lang } from './i18n';
import { FaultsView, TimersView, TokensView } from './ops-views';
import { StorageView } from './storage-view';
import { I18n, html } from './ui';
import './console.css';

const VIEWS = [
  { id: 'database', label: 'database', view: DatabaseView },
  { id: 'storage', label: 'storage', view: StorageView },
  { id: 'functions', label: 'functions', view: FunctionsView },
  { id: 'timers', label: 'timers', view: TimersView },
  { id: 'tokens', label: 'tokens', view: TokensView },
  { id: 'faults', label: 'faults', view: FaultsView },
] as const satisfies ReadonlyArray<{ id: string; label: Label; view: unknown }>;
type ViewId = (typeof VIEWS)[number]['id'];

const viewFromHash = (): ViewId => VIEWS.find((v) => `#${v.id}` === location.hash)?.id ?? 'database';

/** The shell: a tab per view (Alt+1…6 or arrow keys), the view in the hash, 中文 by default. */
function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('wxhub-console-lang') === 'en' ? 'en' : 'zh'));
  const [view, setView] = useState<ViewId>(viewFromHash);
  const t = translator(lang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    localStorage.setItem('wxhub-console-lang', lang);
  }, [lang]);
  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    const onKey = (event: KeyboardEvent) => {
      const index = Number(event.key) - 1;
      if (event.altKey && index >= 0 && index < VIEWS.length) {
        event.preventDefault();
        location.hash = VIEWS[index]?.id ?? '';
      }
    };
    addEventListener('hashchange', onHash);
    addEventListener('keydown', onKey);
    return () => (removeEventListener('hashchange', onHash), removeEventListener('keydown', onKey));
  }, []);
  const onTabKey = (event: KeyboardEvent) => {
    const at = VIEWS.findIndex((v) => v.id === view);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = VIEWS[(at + step + VIEWS.length) % VIEWS.length];
    if (next) {
      location.hash = next.id;
      document.getElementById(`tab-${next.id}`)?.focus();
    }
  };
  const Current = VIEWS.find((v) => v.id === view)?.view ?? DatabaseView;
  return html`<${I18n.Provider} value=${t}>
    <header>
      <h1>${t('title')}</h1>
      <nav role="tablist" aria-label=${t('title')} onKeyDown=${onTabKey}>
        ${VIEWS.map(
          (v, i) =>
            html`<a
              role="tab"
              id=${`tab-${v.id}`}
              href=${`#${v.id}`}
              aria-selected=${v.id === view ? 'true' : 'false'}
              tabindex=${v.id === view ? 0 : -1}
              title=${`Alt+${i + 1}`}
              >${t(v.label)}</a
            >`,
        )}
      </nav>
      <button class="lang" onClick=${() => setLang(lang === 'zh' ? 'en' : 'zh')}>${t('language')}</button>
    </header>
    <main role="tabpanel" aria-labelledby=${`tab-${view}`}><${Current} key=${view} /></main>
  <//>`;
}

const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
