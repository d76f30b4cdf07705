export * from './errors';
export * from './mask';
export * from './clock';
export * from './retry';
export * from './http';
export * from './env';
