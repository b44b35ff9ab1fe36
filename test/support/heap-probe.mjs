// Test-only preload: what a mock or proxy process keeps, measured after a full garbage collection. Loaded
// with `node --expose-gc --import <this file> tools/pipeline/stage.mjs mock ...` (test/support/heap-probe.ts
// adds those flags through startMock's `nodeFlags`); nothing in tools/ or src/ knows of it.
//
// Input: SIGUSR2 (from the test). Output: one stdout line per signal,
//   `heap-probe kept <bytes> heap <bytes> external <bytes>`
// where heap is V8's heap in use and external the memory outside it that JavaScript objects hold (Buffers'
// bytes, which is where request bodies arrive), both right after a full collection, and kept their sum.
// Why: the peak resident memory of a process depends on when its collector happened to run, which a loaded
// machine shifts by hundreds of MiB; what is still reachable after a forced collection does not.
// Stdout, not stderr: the tests require the mock's stderr to stay empty (it is where internal failures go).
if (typeof globalThis.gc !== "function") {
  throw new Error("test/support/heap-probe.mjs needs node's --expose-gc");
}
process.on("SIGUSR2", () => {
  // Twice: memory that only weak callbacks of the first collection release (a Buffer's backing store
  // among them) is counted out after the second.
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, external } = process.memoryUsage();
  process.stdout.write(`heap-probe kept ${heapUsed + external} heap ${heapUsed} external ${external}\n`);
});
