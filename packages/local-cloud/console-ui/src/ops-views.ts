import { useEffect, useState } from 'preact/hooks';
import type { FaultsResponse, TokensResponse, TriggerInfo, Upstream } from '../../src/admin-api/contract';
import { call, describeError } from './api';
import { ErrorLine, Notice, beijing, html, useT } from './ui';

/** Reloads `load` when `tick` changes; keeps the last error. */
function useLoad<T>(load: () => Promise<T>, tick: number): { data: T | null; error: string | null; setError: (e: string | null) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    load().then(
      (answer) => setData(answer),
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [tick]);
  return { data, error, setError };
}

/** Timer triggers: cron, next fire in UTC+8 (as WeChat), last run, fire now. */
export function TimersView() {
  const t = useT();
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const { data, error, setError } = useLoad(() => call('GET /triggers'), tick);
  const fire = async (trigger: TriggerInfo) => {
    try {
      const { run } = await call('POST /triggers/fire', { body: { env: trigger.envId, name: trigger.functionName } });
      setNotice(`${t('fired')}: ${run.triggerName} → ${run.ok ? t('ok') : `${t('failed')} ${run.error?.errMsg ?? ''}`} ${run.requestId ?? ''}`);
      setError(null);
      setTick((n) => n + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('timers')}</h2>
    <${ErrorLine} error=${error} />
    <${Notice} text=${notice} />
    <table class="timers">
      <thead>
        <tr>
          <th scope="col">${t('env')}</th>
          <th scope="col">${t('name')}</th>
          <th scope="col">${t('triggers')}</th>
          <th scope="col">${t('cron')}</th>
          <th scope="col">${t('nextFire')}</th>
          <th scope="col">${t('lastRun')}</th>
          <th scope="col"></th>
        </tr>
      </thead>
      <tbody>
        ${(data?.triggers ?? []).map(
          (trigger) =>
            html`<tr data-trigger=${trigger.triggerName}>
              <td>${trigger.envId}</td>
              <td>${trigger.functionName}</td>
              <td>${trigger.triggerName}</td>
              <td><code>${trigger.config}</code></td>
              <td>${trigger.nextFireAtUtc8 ?? '—'}</td>
              <td class="last-run">
                ${trigger.lastRun ? `${trigger.lastRun.ok ? t('ok') : t('failed')} ${beijing(trigger.lastRun.finishedAt)} ${trigger.lastRun.manual ? '(手动/manual)' : ''}` : '—'}
              </td>
              <td><button onClick=${() => void fire(trigger)}>${t('fireNow')}</button></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** Tokens per appid: counts, expiry, last refresh, forced-refresh budget; Baidu tokens masked. */
export function TokensView() {
  const t = useT();
  const { data, error } = useLoad<TokensResponse>(() => call('GET /tokens'), 0);
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('tokens')}</h2>
    <${ErrorLine} error=${error} />
    <table class="tokens">
      <thead>
        <tr>
          <th scope="col">${t('name')}</th>
          <th scope="col">${t('appid')}</th>
          <th scope="col">${t('issued')}</th>
          <th scope="col">${t('expiry')}</th>
          <th scope="col">${t('lastRefresh')}</th>
          <th scope="col">${t('forceBudget')}</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.wechat ?? []).map(
          (row) =>
            html`<tr>
              <td>${row.app}</td>
              <td>${row.appid}</td>
              <td>${row.issued.total} (token ${row.issued.cgiBinToken}, stable ${row.issued.stableToken})</td>
              <td>${beijing(row.currentExpiresAt)}</td>
              <td>${beijing(row.lastIssuedAt)}</td>
              <td>${row.forceRefresh.usedToday} / ${row.forceRefresh.perDay}</td>
            </tr>`,
        )}
        ${(data?.baidu ?? []).map(
          (row) =>
            html`<tr>
              <td>Baidu ${row.name}</td>
              <td>${row.clientId}</td>
              <td>${row.issued}</td>
              <td>${beijing(row.currentExpiresAt)}</td>
              <td>—</td>
              <td>—</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>${t('baiduTokens')}</h3>
    <table class="setconfig">
      <thead>
        <tr>
          <th scope="col">${t('env')}</th>
          <th scope="col">${t('name')}</th>
          <th scope="col">${t('value')}</th>
          <th scope="col">${t('expiry')}</th>
          <th scope="col">${t('lastRefresh')}</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.setconfig ?? []).map(
          (row) =>
            html`<tr>
              <td>${row.envId}</td>
              <td>${row.configName}</td>
              <td><code>${row.maskedValue ?? '—'}</code></td>
              <td>${beijing(row.expiresAt)}</td>
              <td>${beijing(row.refreshedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

const EXAMPLES: Record<Upstream, string> = {
  backend: '{\n  "action": "database.getDocument",\n  "status": 503,\n  "times": 1\n}',
  wechat: '{\n  "path": "/cgi-bin/token",\n  "errcode": -1,\n  "times": 1\n}',
  baidu: '{\n  "path": "/oauth/2.0/token",\n  "status": 502\n}',
};

/** Arm and clear the admin API's fault injections; what is armed stays visible. */
export function FaultsView() {
  const t = useT();
  const [tick, setTick] = useState(0);
  const [upstream, setUpstream] = useState<Upstream>('backend');
  const [text, setText] = useState(EXAMPLES.backend);
  const { data, error, setError } = useLoad<FaultsResponse>(() => call('GET /faults'), tick);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      setTick((n) => n + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('faults')}</h2>
    <${ErrorLine} error=${error} />
    <form
      class="fault"
      onSubmit=${(e: Event) => (e.preventDefault(), void act(() => call('POST /faults', { body: { upstream, fault: JSON.parse(text) as Record<string, unknown> } })))}
    >
      <label class="field"
        >${t('upstream')}
        <select
          name="upstream"
          value=${upstream}
          onChange=${(e: Event) => {
            const next = (e.target as HTMLSelectElement).value as Upstream;
            setUpstream(next);
            setText(EXAMPLES[next]);
          }}
        >
          <option value="backend">SDK backend</option>
          <option value="wechat">WeChat</option>
          <option value="baidu">Baidu</option>
        </select>
      </label>
      <label class="field wide"
        >JSON<textarea name="fault" rows="6" value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <button type="submit">${t('arm')}</button>
      <button type="button" class="danger" onClick=${() => void act(() => call('DELETE /faults'))}>${t('clearAll')}</button>
    </form>
    <h3>${t('armed')}</h3>
    <table class="armed">
      <thead>
        <tr>
          <th scope="col">${t('upstream')}</th>
          <th scope="col">${t('path')}</th>
          <th scope="col">${t('effect')}</th>
          <th scope="col">${t('remaining')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          (data?.armed ?? []).length === 0 &&
          html`<tr>
            <td colspan="4">${t('none')}</td>
          </tr>`
        }
        ${(data?.armed ?? []).map(
          (fault) =>
            html`<tr>
              <td>${fault.upstream}</td>
              <td>${fault.action ?? fault.path}</td>
              <td>${fault.effect}</td>
              <td>${fault.remaining ?? t('untilCleared')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
