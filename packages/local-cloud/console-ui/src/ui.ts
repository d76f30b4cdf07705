import { createContext, h } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import type { EnvSummary } from '../../src/admin-api/contract';
import { call, describeError } from './api';
import type { Translate } from './i18n';

/** JSX without a compile step: htm's tagged templates over Preact's `h`. */
export const html = htm.bind(h);

export const I18n = createContext<Translate>((label) => label);
export const useT = (): Translate => useContext(I18n);

/** The environments (with collection counts), reloaded on demand. */
export function useEnvs(): { envs: readonly EnvSummary[]; reload: () => void; error: string | null } {
  const [envs, setEnvs] = useState<readonly EnvSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    call('GET /envs').then(
      (answer) => {
        setEnvs(answer.envs);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [tick]);
  return { envs, reload: () => setTick((n) => n + 1), error };
}

export function EnvPicker(props: { envs: readonly EnvSummary[]; value: string; onChange: (env: string) => void }) {
  const t = useT();
  return html`<label class="field"
    >${t('env')}
    <select value=${props.value} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}>
      ${props.envs.map((env) => html`<option value=${env.envId}>${env.app ? `${env.app.name} · ` : ''}${env.envId}</option>`)}
    </select></label
  >`;
}

export function ErrorLine(props: { error: string | null }) {
  return props.error ? html`<p class="error" role="alert">${props.error}</p>` : null;
}

export function Notice(props: { text: string | null }) {
  return props.text ? html`<p class="notice" role="status">${props.text}</p>` : null;
}

/** One cell of the document table: strings as they are, everything else as compact JSON. */
export function cellText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** An ISO time in Beijing time, as WeChat's console shows times. */
export function beijing(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ') : iso;
}

/** An in-page confirmation (keyboard-reachable, focus on the confirm button), not window.confirm. */
export function Confirm(props: { what: string; onConfirm: () => void; onCancel: () => void }) {
  const t = useT();
  return html`<div class="confirm" role="alertdialog" aria-label=${t('confirmDelete', { what: props.what })}>
    <p>${t('confirmDelete', { what: props.what })}</p>
    <button class="danger" autofocus onClick=${props.onConfirm}>${t('confirm')}</button>
    <button onClick=${props.onCancel}>${t('cancel')}</button>
  </div>`;
}
