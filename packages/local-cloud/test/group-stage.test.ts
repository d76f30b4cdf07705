import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import { groupWithoutPipeline } from '../src/sdk-backend/group-stage';
import { MONGO_CONTEXT } from '../src/sdk-backend/mongo-operators';

/**
 * The local cloud's `$group` computes its common shape (group by a field, $sum/$avg of fields)
 * without mingo's per-document evaluation, and hands everything else to mingo. Whatever the
 * documents and the stage, its answer must be mingo's own `$group` answer, in the same order.
 */

const MINGO_ONLY = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: { ...expressionOperators },
  pipeline: { ...pipelineOperators },
} as never);

const run = (context: Context, docs: object[], stage: object): unknown => new Aggregator([{ $group: stage }], { context, scriptEnabled: false }).run(docs);

const groupValue = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '', 'constructor'),
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(1.5, -0, 0, null, undefined, true, false, NaN, Infinity),
  fc.constantFrom([1], { x: 1 }, new Date(0)),
);
const summed = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.constantFrom(null, undefined, '5', [1, 2], true, -0, 0.1, 0.2));
const doc = fc.record({ g: groupValue, v: summed, w: fc.integer({ min: -5, max: 5 }) }, { requiredKeys: [] });
const stage = fc.constantFrom<object>(
  { _id: '$g', total: { $sum: '$v' } },
  { _id: '$g', total: { $sum: '$v' }, mean: { $avg: '$w' }, n: { $sum: 1 } },
  { _id: '$g', mean: { $avg: '$v' } },
  { _id: '$missing', n: { $sum: 2.5 } },
  { _id: '$constructor', n: { $sum: '$w' } },
  // Outside the direct shape: mingo computes these.
  { _id: '$g', top: { $max: '$v' } },
  { _id: { g: '$g' }, total: { $sum: '$w' } },
  { _id: null, total: { $sum: '$w' } },
);

test('$group answers what mingo answers, for the direct shape and everything else', () => {
  fc.assert(
    fc.property(fc.array(doc, { maxLength: 30 }), stage, (docs, spec) => {
      const expected = run(MINGO_ONLY, docs, spec);
      expect(run(MONGO_CONTEXT, docs, spec)).toStrictEqual(expected);
      // A pipeline of this one stage skips mingo's Aggregator when it can (collection-ops.ts).
      const direct = groupWithoutPipeline(docs, spec);
      if (direct) expect(direct).toStrictEqual(expected);
    }),
    { numRuns: fuzzRuns(1500) },
  );
});

test('a total per group over many documents keeps mingo’s order and sums', () => {
  const docs = Array.from({ length: 1000 }, (_unused, i) => ({ _id: i, group: `g${(i * 7) % 13}`, score: ((i * 7919) % 1000) / 7 }));
  const spec = { _id: '$group', total: { $sum: '$score' }, mean: { $avg: '$score' } };
  expect(run(MONGO_CONTEXT, docs, spec)).toStrictEqual(run(MINGO_ONLY, docs, spec));
});
