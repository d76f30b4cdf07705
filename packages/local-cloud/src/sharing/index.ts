export { ResourceSharing, SHARE_PERMISSIONS, ShareGrantError, type ShareGrant, type ShareGrantInput, type SharePermission } from './share-grants';
export { CrossAccountCredentials, CROSS_ACCOUNT_CREDENTIAL_TTL_MS } from './cross-account-credentials';
export { CLOUDBASE_AUTH_FUNCTION, crossAccountTokenApi, type CrossAccountTokenRequest } from './cross-account-token';
export { crossAccountGuard } from './cross-account-guard';
