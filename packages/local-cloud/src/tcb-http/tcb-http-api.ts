import type { Service } from '../http/router';
import { invokeCloudFunction, type InvokeDeps } from './invoke-cloud-function';

/**
 * WeChat's cloud HTTP API (`https://api.weixin.qq.com/tcb/*`), for servers outside WeChat's
 * cloud and for one mini program calling another's functions. Served beside the token
 * endpoints, so it shares their fault plan: a test can break `/tcb/invokecloudfunction` too.
 */
export class TcbHttpApi {
  readonly service: Service;

  constructor(deps: InvokeDeps) {
    this.service = deps.wechat.faults.wrapService({
      prefix: '',
      routes: [{ method: '*', path: '/tcb/invokecloudfunction', handler: invokeCloudFunction(deps) }],
    });
  }
}
