export * from './project-config';
