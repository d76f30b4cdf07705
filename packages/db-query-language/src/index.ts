export {
  AGGREGATE_OPERATOR_NAMES,
  LOGIC_COMMANDS,
  QUERY_COMMANDS,
  STAGES,
  UPDATE_COMMANDS,
  type AggregateOperatorName,
  type LogicCommandName,
  type QueryCommandName,
  type StageName,
  type UpdateCommandName,
} from './names';
export { DEFAULT_HTTP_LIMIT, MAX_LIMIT, MAX_NESTING_DEPTH, MAX_QUERY_BYTES } from './limits';
export { SERVER_DATE_KEY, keyProblem } from './keys';
