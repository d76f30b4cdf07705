import { useEffect, useState } from 'preact/hooks';
import { ADMIN_PREFIX, STORAGE_DOWNLOAD_PATH, type StoredFileInfo } from '../../src/admin-api/contract';
import { call, callWithProgress, describeError } from './api';
import { Confirm, EnvPicker, ErrorLine, Notice, beijing, formatBytes, html, useEnvs, useT } from './ui';

const downloadUrl = (fileId: string) => `${ADMIN_PREFIX}${STORAGE_DOWNLOAD_PATH}?fileId=${encodeURIComponent(fileId)}`;

/** Files per env: upload with progress, preview, download, delete, copy the cloud:// id, temp URL. */
export function StorageView() {
  const t = useT();
  const { envs } = useEnvs();
  const [env, setEnv] = useState('');
  const [files, setFiles] = useState<readonly StoredFileInfo[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tempUrl, setTempUrl] = useState<{ fileId: string; url: string } | null>(null);
  const [preview, setPreview] = useState<StoredFileInfo | null>(null);
  const [previewText, setPreviewText] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [deleting, setDeleting] = useState<StoredFileInfo | null>(null);
  const envId = env || envs[0]?.envId || '';

  useEffect(() => {
    if (!envId) return;
    call('GET /storage', { query: { env: envId } }).then(
      (answer) => setFiles(answer.files),
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [envId, tick]);
  useEffect(() => {
    setPreviewText(null);
    if (preview && preview.contentType.startsWith('text/')) void fetch(downloadUrl(preview.fileId)).then(async (r) => setPreviewText(await r.text()));
  }, [preview?.fileId]);

  const upload = async (file: File) => {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      setProgress(0);
      await callWithProgress('POST /storage', { env: envId, path: file.name, contentBase64: btoa(binary), contentType: file.type || undefined }, setProgress);
      setError(null);
      setTick((n) => n + 1);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setProgress(null);
    }
  };
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return html`<section aria-labelledby="view-title">
    <h2 id="view-title">${t('storage')}</h2>
    <div class="toolbar">
      <${EnvPicker} envs=${envs} value=${envId} onChange=${setEnv} />
      <label class="file-button"
        >${t('upload')}<input
          type="file"
          name="upload"
          onChange=${(e: Event) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (file) void upload(file);
          }}
      /></label>
      ${progress !== null && html`<progress max="1" value=${progress} aria-label=${t('uploading', { percent: Math.round(progress * 100) })}></progress>`}
    </div>
    <${ErrorLine} error=${error} />
    ${
      deleting &&
      html`<${Confirm}
        what=${deleting.path}
        onCancel=${() => setDeleting(null)}
        onConfirm=${() =>
          act(async () => {
            await call('DELETE /storage', { query: { env: envId, fileId: deleting.fileId } });
            setDeleting(null);
            setTick((n) => n + 1);
          })}
      />`
    }
    <${Notice} text=${notice} />
    ${tempUrl && html`<p class="temp-url">${t('tempUrl')}: <a href=${tempUrl.url} target="_blank" rel="noreferrer">${tempUrl.url}</a></p>`}
    <table class="files">
      <thead>
        <tr>
          <th scope="col">${t('path')}</th>
          <th scope="col">${t('size')}</th>
          <th scope="col">${t('type')}</th>
          <th scope="col">${t('time')}</th>
          <th scope="col"></th>
        </tr>
      </thead>
      <tbody>
        ${files.map(
          (file) =>
            html`<tr data-file=${file.path}>
              <td>${file.path}</td>
              <td>${formatBytes(file.size)}</td>
              <td>${file.contentType}</td>
              <td>${beijing(file.uploadedAt)}</td>
              <td class="actions">
                <button onClick=${() => setPreview(file)}>${t('preview')}</button>
                <a class="button" href=${downloadUrl(file.fileId)} download=${file.path.split('/').pop()}>${t('download')}</a>
                <button onClick=${() => act(async () => (await navigator.clipboard.writeText(file.fileId), setNotice(`${t('copied')}: ${file.fileId}`)))}>
                  ${t('copyId')}
                </button>
                <button
                  onClick=${() =>
                    act(async () => {
                      const answer = await call('POST /storage/temp-url', { body: { env: envId, fileId: file.fileId } });
                      setTempUrl({ fileId: file.fileId, url: answer.url });
                    })}
                >
                  ${t('tempUrl')}
                </button>
                <button class="danger" onClick=${() => setDeleting(file)}>${t('delete')}</button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      preview &&
      html`<div class="preview">
        <h3>${preview.path}</h3>
        ${preview.contentType.startsWith('image/') ? html`<img src=${downloadUrl(preview.fileId)} alt=${preview.path} />` : html`<pre>${previewText ?? ''}</pre>`}
        <button onClick=${() => setPreview(null)}>${t('cancel')}</button>
      </div>`
    }
  </section>`;
}
