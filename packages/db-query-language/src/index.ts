export * from './names';
export * from './limits';
export { SERVER_DATE_KEY, keyProblem } from './keys';
