/**
 * `@wxhub/local-cloud/testing`: what another package's tests need to serve one emulator alone on
 * a loopback port (a WeChatEmulator, a BaiduEmulator…) without a whole LocalCloud, and the
 * multipart reader that checks what a client uploads. The emulators themselves are exported by
 * the package's main entry.
 */
export { Router, parseJsonBody } from '../http/router';
export { close, listen } from '../http/server';
export { API_DOMAIN_IPS } from '../wechat/wechat-emulator';
export { MultipartError, multipartBoundary, parseMultipart, type FormPart } from '../http/multipart';
export { PageDatabase, PageDatabaseError, PageQuery, PageCollection, PageDocument, type PageAggregate, type PageDatabaseOptions } from './page-database';
export { PageStorage, PageStorageError, type PageStorageOptions } from './page-storage';
export {
  rulesTestEnvironment,
  mountClientDatabase,
  mountClientStorage,
  assertSucceeds,
  assertFails,
  type RulesTestEnvironment,
  type RulesTestEnvironmentOptions,
  type RulesTestContext,
} from './rules-testing';
