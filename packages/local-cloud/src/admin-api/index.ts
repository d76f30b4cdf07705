export { AdminApi, type AdminApiOptions } from './admin-api';
export { parseFaultInput, type ParsedFault, type Upstream } from './fault-input';
export { redact } from './redact';
export { ADMIN_PREFIX, CONSOLE_PATH } from './contract';
