// Test-only preload that makes a mock leak: every request body's bytes it receives are kept for as long as
// the process lives, as a copy in V8's heap (a latin1 string of the same length). Loaded with
// `node --import <this file> ...` (test/support/heap-probe.ts's KEEP_BODIES_FLAGS through startMock's
// `nodeFlags`); nothing in tools/ or src/ knows of it.
// Input: the HTTP requests the process serves. Output: none; memory that a collection cannot free.
// Why: test/hostile/corpus.test.ts proves with it that its leak check fails on a leak of the corpus's
// bodies, the kind of leak it is there to catch.
import { IncomingMessage } from "node:http";

const kept = [];
const push = IncomingMessage.prototype.push;
// Node's HTTP parser hands each piece of a body to the request stream's push() (lib/_http_common.js).
IncomingMessage.prototype.push = function keepingPush(chunk, encoding) {
  if (chunk !== null && chunk !== undefined) kept.push(Buffer.from(chunk).toString("latin1"));
  return push.call(this, chunk, encoding);
};
