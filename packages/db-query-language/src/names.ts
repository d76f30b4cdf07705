/**
 * The names wx-server-sdk's query language knows. The builder of `@wxhub/cloud-http` writes
 * them and the local cloud's parser reads them, so both take them from here.
 */

/** `db.command` query commands: `_.gt(1)`. */
export const QUERY_COMMANDS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'all', 'elemMatch', 'exists', 'size', 'mod'] as const;
export type QueryCommandName = (typeof QUERY_COMMANDS)[number];

/** `db.command` logic commands: `_.and(…)`. */
export const LOGIC_COMMANDS = ['and', 'or', 'nor', 'not'] as const;
export type LogicCommandName = (typeof LOGIC_COMMANDS)[number];

/** `db.command` update commands: `_.inc(1)`. */
export const UPDATE_COMMANDS = [
  'set', 'remove', 'inc', 'mul', 'max', 'min', 'rename', 'bit',
  'push', 'pop', 'shift', 'unshift', 'pull', 'pullAll', 'addToSet',
] as const;
export type UpdateCommandName = (typeof UPDATE_COMMANDS)[number];

/** Aggregation stages: `.aggregate().match(…)`. */
export const STAGES = [
  'match', 'project', 'group', 'sort', 'limit', 'skip', 'unwind', 'lookup', 'count',
  'addFields', 'sample', 'sortByCount', 'replaceRoot', 'bucket', 'bucketAuto',
] as const;
export type StageName = (typeof STAGES)[number];

/** wx-server-sdk's `db.command.aggregate` operators (its own list); `neq` is MongoDB's `$ne`. */
export const AGGREGATE_OPERATOR_NAMES = [
  'abs', 'add', 'ceil', 'divide', 'exp', 'floor', 'ln', 'log', 'log10', 'mod', 'multiply', 'pow', 'sqrt', 'subtract', 'trunc',
  'arrayElemAt', 'arrayToObject', 'concatArrays', 'filter', 'in', 'indexOfArray', 'isArray', 'map', 'range', 'reduce',
  'reverseArray', 'size', 'slice', 'zip',
  'and', 'not', 'or',
  'cmp', 'eq', 'gt', 'gte', 'lt', 'lte', 'neq',
  'cond', 'ifNull', 'switch',
  'dateFromParts', 'dateFromString', 'dayOfMonth', 'dayOfWeek', 'dayOfYear', 'isoDayOfWeek', 'isoWeek', 'isoWeekYear',
  'millisecond', 'minute', 'month', 'second', 'hour', 'week', 'year',
  'literal', 'mergeObjects', 'objectToArray',
  'allElementsTrue', 'anyElementTrue', 'setDifference', 'setEquals', 'setIntersection', 'setIsSubset', 'setUnion',
  'concat', 'dateToString', 'indexOfBytes', 'indexOfCP', 'split', 'strLenBytes', 'strLenCP', 'strcasecmp',
  'substr', 'substrBytes', 'substrCP', 'toLower', 'toUpper',
  'meta',
  'addToSet', 'avg', 'first', 'last', 'max', 'min', 'push', 'stdDevPop', 'stdDevSamp', 'sum',
  'let',
] as const;
export type AggregateOperatorName = (typeof AGGREGATE_OPERATOR_NAMES)[number];
