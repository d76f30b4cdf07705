export { LEGACY_DATABASE_ACTION_NAMES, registerLegacyDatabaseActions } from './legacy-database';
