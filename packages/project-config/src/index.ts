export * from './project-config';
export * from './local-secrets';
