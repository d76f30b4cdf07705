import { buildUrl, ProtocolError, requestJson } from '@wxhub/core';
import type { ClientFileStatus } from '../client-api/client-storage-api';

/**
 * A page's cloud storage for tests — what `wx.cloud.uploadFile / getTempFileURL / downloadFile /
 * deleteFile` do — sent to the local cloud's client storage endpoint (`POST /client/storage`) as
 * the page's user, where the bucket's permission is checked. Results are the mini program's
 * shapes; a refused call rejects with `{errCode, errMsg}` (-503002 when the permission refuses),
 * and list calls report each file's own `status`, as WeChat does.
 */
export interface PageStorageOptions {
  /** The local cloud's root URL. */
  readonly url: string;
  /** The mini program (its appid). */
  readonly appid: string;
  /** The environment (`wx.cloud.init({env})`); the app's own when left out. */
  readonly env?: string;
  /** The user; read on every request, so a test can switch users. */
  readonly openid: () => string | undefined;
}

/** What a page's storage call rejects with. */
export class PageStorageError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg);
    this.name = 'PageStorageError';
  }
}

export class PageStorage {
  constructor(private readonly options: PageStorageOptions) {}

  /** `wx.cloud.uploadFile({cloudPath, filePath})`, with the file's bytes given (the test read them). */
  async uploadFile(options: {
    cloudPath: string;
    content: Buffer | string;
    contentType?: string;
  }): Promise<{ fileID: string; statusCode: number; errMsg: string }> {
    const content = Buffer.isBuffer(options.content) ? options.content : Buffer.from(options.content);
    return (await this.send('uploadFile', {
      cloudPath: options.cloudPath,
      content: content.toString('base64'),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    })) as { fileID: string; statusCode: number; errMsg: string };
  }

  /** `wx.cloud.downloadFile({fileID})`: the bytes (a page gets a temp file path holding them). */
  async downloadFile(options: { fileID: string }): Promise<{ content: Buffer; contentType: string; statusCode: number; errMsg: string }> {
    const body = (await this.send('downloadFile', { fileID: options.fileID })) as { content: string; contentType: string; statusCode: number; errMsg: string };
    return { ...body, content: Buffer.from(body.content, 'base64') };
  }

  /** `wx.cloud.getTempFileURL({fileList})`: each file's URL or its own failure `status`. */
  async getTempFileURL(options: {
    fileList: ReadonlyArray<string | { fileID: string; maxAge?: number }>;
  }): Promise<{ fileList: ClientFileStatus[]; errMsg: string }> {
    return (await this.send('getTempFileURL', { fileList: options.fileList })) as { fileList: ClientFileStatus[]; errMsg: string };
  }

  /** `wx.cloud.deleteFile({fileList})`: each file's own `status` (0 deleted). */
  async deleteFile(options: { fileList: readonly string[] }): Promise<{ fileList: ClientFileStatus[]; errMsg: string }> {
    return (await this.send('deleteFile', { fileList: options.fileList })) as { fileList: ClientFileStatus[]; errMsg: string };
  }

  private async send(action: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = buildUrl(this.options.url, '/client/storage');
    const response = await requestJson(url, {
      method: 'POST',
      json: { appid: this.options.appid, ...(this.options.env ? { env: this.options.env } : {}), openid: this.options.openid(), action, ...fields },
      timeoutMs: 30_000,
    });
    if (typeof response.body !== 'object' || response.body === null) throw new ProtocolError(url.toString(), `not a storage answer (HTTP ${response.status})`);
    const body = response.body as Record<string, unknown> & { errCode?: number; errMsg?: string };
    if (typeof body.errCode === 'number') throw new PageStorageError(body.errCode, body.errMsg ?? `HTTP ${response.status}`);
    if (response.status !== 200) throw new PageStorageError(-1, `HTTP ${response.status}`);
    return body;
  }
}
