// @ts-check
'use strict';
// Loaded with `--require` into a WeChat project's function process (plain JavaScript for Node
// 16.13 / 18.15, shipped as is): loads the function's module (WXHUB_FUNCTION_ENTRY) while the
// instance starts, so a prewarmed instance answers its first call without loading anything. A
// module that fails to load is left alone: Node does not cache the failure, so the first
// invocation requires it again and reports the real error (Cannot find module..., a SyntaxError)
// to the caller and the log, instead of an instance that died while starting.
const entry = process.env.WXHUB_FUNCTION_ENTRY;
if (entry) {
  try {
    require(entry);
  } catch (error) {
    // Reported by the invocation that needs the module (see above).
  }
}
