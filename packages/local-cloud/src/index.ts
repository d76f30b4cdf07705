export * from './config';
export * from './local-cloud';
export type { EmulatorRequest, EmulatorReply, Handler, Service } from './http/router';
