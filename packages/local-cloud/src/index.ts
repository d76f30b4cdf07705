export * from './config';
export * from './local-cloud';
export type { EmulatorRequest, EmulatorReply, Handler, Service } from './http/router';
export { FaultPlan, type Fault, type FaultEffect, type FaultTarget } from './faults/faults';
export { WeChatEmulator, type AuthResult, type WeChatFault } from './wechat/wechat-emulator';
export { BaiduEmulator, type BaiduAuthResult, type BaiduFault } from './baidu/baidu-emulator';
export * from './runtime';
export * from './project/project-cloud';
export * from './sdk-backend';
