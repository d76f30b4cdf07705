import { useEffect, useState } from 'preact/hooks';
import { ADMIN_PREFIX, LOG_STREAM_PATH, type FunctionInfo, type InvokeResponse, type LogEvent } from '../../src/admin-api/contract';
import { call, describeError } from './api';
import { EnvPicker, ErrorLine, beijing, html, useEnvs, useT } from './ui';

const LOG_LIMIT = 500;

/** Functions per env, test invoke with an event and an openid, and the live log (server-sent events). */
export function FunctionsView() {
  const t = useT();
  const { envs } = useEnvs();
  const [env, setEnv] = useState('');
  const [functions, setFunctions] = useState<readonly FunctionInfo[]>([]);
  const [name, setName] = useState('');
  const [event, setEvent] = useState('{}');
  const [openid, setOpenid] = useState('');
  const [result, setResult] = useState<InvokeResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [log, setLog] = useState<readonly LogEvent[]>([]);
  const [logFilter, setLogFilter] = useState('');
  const [tick, setTick] = useState(0);
  const envId = env || envs[0]?.envId || '';

  useEffect(() => {
    if (!envId) return;
    call('GET /functions', { query: { env: envId } }).then(
      (answer) => {
        setFunctions(answer.functions);
        if (!answer.functions.some((fn) => fn.name === name)) setName(answer.functions[0]?.name ?? '');
      },
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [envId, tick]);
  useEffect(() => {
    const source = new EventSource(`${ADMIN_PREFIX}${LOG_STREAM_PATH}`);
    source.addEventListener('log', (message) => {
      const line = JSON.parse((message as MessageEvent<string>).data) as LogEvent;
      setLog((lines) => [...lines.slice(-(LOG_LIMIT - 1)), line]);
    });
    return () => source.close();
  }, []);

  const invoke = async () => {
    try {
      const parsed = JSON.parse(event) as Record<string, unknown>;
      setResult(await call('POST /functions/invoke', { body: { env: envId, name, event: parsed, ...(openid ? { openid } : {}) } }));
      setError(null);
      setTick((n) => n + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const needle = logFilter.toLowerCase();
  const shown = log.filter(
    (line) => line.envId === envId && (!needle || `${line.name} ${line.requestId ?? ''} ${line.level} ${line.message}`.toLowerCase().includes(needle)),
  );

  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('functions')}</h2>
    <div class="toolbar"><${EnvPicker} envs=${envs} value=${envId} onChange=${setEnv} /></div>
    <${ErrorLine} error=${error} />
    <table class="functions">
      <thead>
        <tr>
          <th scope="col">${t('name')}</th>
          <th scope="col">${t('runtime')}</th>
          <th scope="col">${t('timeout')}</th>
          <th scope="col">${t('triggers')}</th>
          <th scope="col">${t('permissions')}</th>
          <th scope="col">${t('instances')}</th>
        </tr>
      </thead>
      <tbody>
        ${functions.map(
          (fn) =>
            html`<tr data-function=${fn.name}>
              <td>${fn.name}</td>
              <td>${fn.runtime}</td>
              <td>${fn.timeoutMs / 1000} s</td>
              <td>${fn.triggers.map((trigger) => `${trigger.name} (${trigger.config})`).join(', ') || '—'}</td>
              <td>${fn.permissions.join(', ') || '—'}</td>
              <td>${t('instanceState', fn.instances)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>${t('invoke')}</h3>
    <form class="invoke" onSubmit=${(e: Event) => (e.preventDefault(), void invoke())}>
      <label class="field"
        >${t('name')}
        <select name="function" value=${name} onChange=${(e: Event) => setName((e.target as HTMLSelectElement).value)}>
          ${functions.map((fn) => html`<option value=${fn.name}>${fn.name}</option>`)}
        </select>
      </label>
      <label class="field"
        >${t('openid')}<input name="openid" value=${openid} onInput=${(e: Event) => setOpenid((e.target as HTMLInputElement).value)}
      /></label>
      <label class="field wide"
        >${t('event')}<textarea name="event" rows="4" value=${event} onInput=${(e: Event) => setEvent((e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <button type="submit">${t('run')}</button>
    </form>
    ${result && html`<pre class="result" aria-label=${t('result')}>${result.ok ? `${t('ok')} ${result.requestId} (${result.durationMs.toFixed(1)} ms${result.coldStart ? ', cold' : ''})\n${JSON.stringify(result.result, null, 2)}` : `${t('failed')} ${result.errCode ?? ''} ${result.errMsg}`}</pre>`}
    <h3>${t('log')}</h3>
    <label class="field"
      >${t('logFilter')}<input name="log-filter" value=${logFilter} onInput=${(e: Event) => setLogFilter((e.target as HTMLInputElement).value)}
    /></label>
    <table class="log" aria-live="polite">
      <thead>
        <tr>
          <th scope="col">${t('time')}</th>
          <th scope="col">${t('name')}</th>
          <th scope="col">${t('requestId')}</th>
          <th scope="col">${t('level')}</th>
          <th scope="col">${t('message')}</th>
        </tr>
      </thead>
      <tbody>
        ${shown.map(
          (line) =>
            html`<tr class=${`level-${line.level}`}>
              <td>${beijing(line.at)}</td>
              <td>${line.name}</td>
              <td>${line.requestId ?? ''}</td>
              <td>${line.level}</td>
              <td><pre>${line.message}</pre></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
