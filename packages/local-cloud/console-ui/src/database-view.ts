import { useEffect, useState } from 'preact/hooks';
import type { DocumentJson, DocumentsResponse } from '../../src/admin-api/contract';
import { call, describeError } from './api';
import { Confirm, EnvPicker, ErrorLine, Notice, cellText, html, useEnvs, useT } from './ui';

const PAGE_SIZE = 20;

/** Collections with counts, a server-paged table of documents, a where() filter, edits as JSON. */
export function DatabaseView() {
  const t = useT();
  const { envs, reload } = useEnvs();
  const [env, setEnv] = useState('');
  const [collection, setCollection] = useState('');
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<DocumentsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string | number | null; text: string } | null>(null);
  const [confirming, setConfirming] = useState<{ what: string; run: () => Promise<void> } | null>(null);
  const [newName, setNewName] = useState('');
  const [tick, setTick] = useState(0);

  const current = envs.find((candidate) => candidate.envId === env) ?? envs[0];
  useEffect(() => {
    if (!env && envs[0]) setEnv(envs[0].envId);
  }, [envs]);
  useEffect(() => {
    if (current && !current.collections.some((c) => c.name === collection)) setCollection(current.collections[0]?.name ?? '');
  }, [current]);
  useEffect(() => {
    if (!current || !collection) return setPage(null);
    call('GET /documents', { query: { env: current.envId, collection, filter, offset, limit: PAGE_SIZE } }).then(
      (answer) => {
        setPage(answer);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [current?.envId, collection, filter, offset, tick]);

  const refresh = () => {
    setTick((n) => n + 1);
    reload();
  };
  const attempt = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      setError(null);
      setNotice(done ?? null);
      refresh();
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  if (!current) return html`<p>${t('loading')}</p>`;
  const envId = current.envId;

  const columns = page ? [...new Set(page.documents.flatMap((doc) => Object.keys(doc)))] : [];
  const pages = page ? Math.max(1, Math.ceil(page.total / PAGE_SIZE)) : 1;
  const save = () =>
    attempt(async () => {
      if (!editing) return;
      const parsed = JSON.parse(editing.text) as DocumentJson;
      if (editing.id === null) await call('POST /documents', { body: { env: envId, collection, document: parsed } });
      else {
        const { _id: _ignored, ...fields } = parsed;
        await call('PUT /documents', { body: { env: envId, collection, id: editing.id, document: fields } });
      }
      setEditing(null);
    }, t('saved'));
  const importFile = (file: File) =>
    attempt(async () => {
      const documents = JSON.parse(await file.text()) as DocumentJson[];
      await call('POST /collections/import', { body: { env: envId, collection, documents } });
    });
  const exportCollection = () =>
    attempt(async () => {
      const answer = await call('GET /collections/export', { query: { env: envId, name: collection } });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(answer.documents, null, 2)], { type: 'application/json' }));
      link.download = `${envId}.${collection}.json`;
      link.click();
    });

  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('database')}</h2>
    <div class="toolbar">
      <${EnvPicker} envs=${envs} value=${envId} onChange=${(value: string) => (setEnv(value), setOffset(0))} />
      <form
        class="inline"
        onSubmit=${(e: Event) => (e.preventDefault(), attempt(() => call('POST /collections', { body: { env: envId, name: newName } }).then(() => (setCollection(newName), setNewName('')))))}
      >
        <input
          aria-label=${t('newCollection')}
          placeholder=${t('newCollection')}
          value=${newName}
          onInput=${(e: Event) => setNewName((e.target as HTMLInputElement).value)}
        />
        <button type="submit">${t('create')}</button>
      </form>
    </div>
    <div class="split">
      <nav aria-label=${t('collections')} class="side">
        <h3>${t('collections')}</h3>
        <ul>
          ${current.collections.map(
            (c) =>
              html`<li>
                <button
                  class=${c.name === collection ? 'current' : ''}
                  aria-current=${c.name === collection ? 'true' : undefined}
                  onClick=${() => (setCollection(c.name), setOffset(0))}
                >
                  ${c.name} <span class="count">${c.count}</span>
                </button>
              </li>`,
          )}
        </ul>
      </nav>
      <div class="main">
        <form class="filter" onSubmit=${(e: Event) => (e.preventDefault(), setOffset(0), setFilter(filterText))}>
          <label class="field wide"
            >${t('filter')}
            <textarea
              rows="2"
              name="filter"
              placeholder=${t('filterHint')}
              value=${filterText}
              onInput=${(e: Event) => setFilterText((e.target as HTMLTextAreaElement).value)}
            ></textarea>
          </label>
          <button type="submit">${t('apply')}</button>
        </form>
        <${ErrorLine} error=${error} />
        <${Notice} text=${notice} />
        ${
          collection &&
          html`<div class="toolbar">
            <button onClick=${() => setEditing({ id: null, text: '{\n  \n}' })}>${t('add')}</button>
            <button onClick=${exportCollection}>${t('exportJson')}</button>
            <label class="file-button"
              >${t('importJson')}<input
                type="file"
                accept="application/json,.json"
                onChange=${(e: Event) => {
                  const file = (e.target as HTMLInputElement).files?.[0];
                  if (file) void importFile(file);
                }}
            /></label>
            <button
              class="danger"
              onClick=${() => setConfirming({ what: collection, run: () => call('DELETE /collections', { query: { env: envId, name: collection } }).then(() => setCollection('')) })}
            >
              ${t('dropCollection')}
            </button>
          </div>`
        }
        ${
          confirming &&
          html`<${Confirm}
            what=${confirming.what}
            onConfirm=${() => attempt(async () => (await confirming.run(), setConfirming(null)))}
            onCancel=${() => setConfirming(null)}
          />`
        }
        ${
          editing &&
          html`<div class="editor">
            <label class="field wide"
              >JSON
              <textarea
                name="document"
                rows="12"
                value=${editing.text}
                onInput=${(e: Event) => setEditing({ ...editing, text: (e.target as HTMLTextAreaElement).value })}
              ></textarea>
            </label>
            <button onClick=${save}>${t('save')}</button>
            <button onClick=${() => setEditing(null)}>${t('cancel')}</button>
          </div>`
        }
        ${
          page &&
          html`<table class="documents">
              <thead>
                <tr>
                  ${columns.map((column) => html`<th scope="col">${column}</th>`)}
                  <th scope="col"></th>
                </tr>
              </thead>
              <tbody>
                ${page.documents.map(
                  (doc) =>
                    html`<tr data-id=${String(doc._id)}>
                      ${columns.map((column) => html`<td>${cellText(doc[column])}</td>`)}
                      <td class="actions">
                        <button onClick=${() => setEditing({ id: doc._id as string | number, text: JSON.stringify(doc, null, 2) })}>${t('edit')}</button>
                        <button
                          class="danger"
                          onClick=${() => setConfirming({ what: String(doc._id), run: () => call('DELETE /documents', { query: { env: envId, collection, id: String(doc._id) } }).then(() => undefined) })}
                        >
                          ${t('delete')}
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <div class="pager">
              <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE_SIZE))}>${t('prev')}</button>
              <span class="page-info">${t('page', { page: Math.floor(offset / PAGE_SIZE) + 1, pages, total: page.total })}</span>
              <button disabled=${offset + PAGE_SIZE >= page.total} onClick=${() => setOffset(offset + PAGE_SIZE)}>${t('next')}</button>
            </div>`
        }
      </div>
    </div>
  </section>`;
}
