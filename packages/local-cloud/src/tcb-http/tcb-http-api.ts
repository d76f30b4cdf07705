import type { Service } from '../http/router';
import type { CloudStorage } from '../storage/cloud-storage';
import { batchDeleteFileApi, batchDownloadFileApi, uploadFileApi } from './storage-api';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { databaseRoutes } from './database-api';
import { invokeCloudFunction, type InvokeDeps } from './invoke-cloud-function';

export interface TcbHttpDeps extends InvokeDeps {
  /** The environments' databases, for databasequery / databaseadd / ... */
  readonly backend: CloudBackend;
  /** Serves uploadfile / batchdownloadfile / batchdeletefile when given. */
  readonly storage?: CloudStorage;
}

/**
 * WeChat's cloud HTTP API (`https://api.weixin.qq.com/tcb/*`), for servers outside WeChat's
 * cloud and for one mini program calling another's functions. Served beside the token
 * endpoints, so it shares their fault plan: a test can break `/tcb/invokecloudfunction` too.
 */
export class TcbHttpApi {
  readonly service: Service;

  constructor(deps: TcbHttpDeps) {
    const storage = deps.storage && { ...deps, storage: deps.storage };
    this.service = deps.wechat.faults.wrapService({
      prefix: '',
      routes: [
        { method: '*', path: '/tcb/invokecloudfunction', handler: invokeCloudFunction(deps) },
        ...databaseRoutes(deps),
        ...(storage
          ? [
              { method: '*', path: '/tcb/uploadfile', handler: uploadFileApi(storage) },
              { method: '*', path: '/tcb/batchdownloadfile', handler: batchDownloadFileApi(storage) },
              { method: '*', path: '/tcb/batchdeletefile', handler: batchDeleteFileApi(storage) },
            ]
          : []),
      ],
    });
  }
}
