import { encodeFilter } from './filter-encoding';
import type { Ir, ObjectIr, PipelineIr, StageCall } from './ir';
import { brief, type Located, type QuerySource } from './query-source';
import type { QueryObject, QueryValue } from './types';
import { describe, integer, literalOf, objectArg, toAggregate, toData, toOperand } from './value-encoding';

/** Stages whose argument is an object of aggregation expressions, passed on as written. */
const OBJECT_STAGES: ReadonlySet<string> = new Set(['project', 'group', 'sort', 'addFields', 'lookup', 'replaceRoot', 'sample', 'bucket', 'bucketAuto']);

/** One `.stage(arg)` call as a MongoDB `{$stage: value}`. */
export function encodeStage(source: QuerySource, stage: StageCall): QueryObject {
  const { name, args, at } = stage;
  const what = `.${name}()`;
  if (args.length !== 1) throw source.invalid(at, `${what} takes 1 argument, not ${args.length}`);
  const [arg] = args as [Ir];
  return { [`$${name}`]: stageValue(source, name, arg, at, what) };
}

function stageValue(source: QuerySource, name: StageCall['name'], arg: Ir, at: Located, what: string): QueryValue {
  if (name === 'match') return encodeFilter(source, arg, what);
  if (OBJECT_STAGES.has(name)) return aggregateValue(source, objectArg(source, arg, at, what), what);
  switch (name) {
    case 'limit':
      return integer(source, arg, what, 1);
    case 'skip':
      return integer(source, arg, what, 0);
    case 'count': {
      const field = literalOf(source, arg, 'string', what);
      if (field === '' || field.startsWith('$') || field.includes('.')) {
        throw source.invalid(arg.at, `${what} takes a field name without '$' or '.', not '${brief(field)}'`);
      }
      return field;
    }
    case 'unwind':
      if (arg.kind === 'object') return aggregateValue(source, arg, what);
      if (!literalOf(source, arg, 'string', what).startsWith('$')) throw source.invalid(arg.at, `${what} takes a '$field' path or an object`);
      return toData(source, arg, what);
    case 'sortByCount':
      if (arg.kind === 'object' || arg.kind === 'aggregateOperator') return aggregateValue(source, arg, what);
      literalOf(source, arg, 'string', what);
      return toData(source, arg, what);
    default:
      throw source.invalid(at, `${what} is not supported`);
  }
}

function aggregateValue(source: QuerySource, arg: Ir, what: string): QueryValue {
  return toAggregate(source, arg, what, (pipeline) => encodePipeline(source, pipeline));
}

/** `$.pipeline().match(…).project(…).done()` as a list of stages. */
function encodePipeline(source: QuerySource, pipeline: PipelineIr): QueryValue {
  return pipeline.stages.map((stage) => encodeStage(source, stage));
}

/**
 * `field({name: true, tags: _.project.slice(2)})` as a MongoDB projection. Booleans and numbers
 * become 1/0 as wx-server-sdk turns them (any number above 0 includes the field).
 */
export function encodeProjection(source: QuerySource, ir: Ir | undefined, at: Located): QueryObject {
  const spec: ObjectIr = objectArg(source, ir, at, 'field()');
  const out: QueryObject = {};
  for (const { key, value } of spec.entries) {
    if (value.kind === 'literal' && typeof value.value === 'boolean') out[key] = value.value ? 1 : 0;
    else if (value.kind === 'literal' && typeof value.value === 'number') out[key] = value.value > 0 ? 1 : 0;
    else if (value.kind === 'projection') {
      out[key] =
        value.name === 'slice'
          ? { $slice: toData(source, value.param, '_.project.slice()') }
          : { $elemMatch: toOperand(source, value.param, '_.project.elemMatch()') };
    } else if (value.kind === 'object') out[key] = toOperand(source, value, 'field()');
    else throw source.invalid(value.at, `field() takes true/false, 1/0 or _.project operators, not ${describe(value)}`);
  }
  return out;
}
