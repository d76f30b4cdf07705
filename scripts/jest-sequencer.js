// Orders the suites for jest's two workers. Jest's own order is kept (failed first, then slowest
// first by the durations it cached, else largest file first); only the suites jest has no duration
// for — every suite on a fresh clone, as CI runs — are put by what they do: the ones that start
// clouds, function processes and npm (end-to-end, consumer, built bundles) first, so that none of
// them is left to start last while the other worker has nothing more to run.
const Sequencer = require('@jest/test-sequencer').default;

const SLOW = [/[\\/]test[\\/]e2e[\\/]/, /[\\/]test[\\/]consumer[\\/]/, /[\\/]built\.test\.ts$/];

class SlowFirstSequencer extends Sequencer {
  /**
   * @override
   * @param {Parameters<Sequencer['sort']>[0]} tests
   */
  sort(tests) {
    const sorted = /** @type {typeof tests} */ (super.sort(tests));
    const unknownSlow = (/** @type {(typeof tests)[number]} */ test) => test.duration == null && SLOW.some((pattern) => pattern.test(test.path));
    return [...sorted.filter(unknownSlow), ...sorted.filter((test) => !unknownSlow(test))];
  }
}

module.exports = SlowFirstSequencer;
