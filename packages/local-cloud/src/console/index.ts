export { CONSOLE_DIST_DIR, consoleService, consoleUrl } from './console-service';
