/**
 * `npm run mock` — serves the bundled contract as a mock on 127.0.0.1 (src/mock-server.ts).
 *
 * Usage: tsx scripts/mock.ts [--port N] [--spec <path>]
 *   --port  TCP port, default 4010; 0 picks a free one.
 *   --spec  bundled spec to serve, default generated/openapi.json.
 * Output: exactly one stdout line once it accepts requests, `mock listening on http://127.0.0.1:<port>`
 * (tests parse it); problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments or when the mock cannot start
 * (unreadable or unbundled spec, Prism internals missing, port in use).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startMockServer } from "../src/mock-server.js";
import { generatedDir } from "./common.js";

const USAGE = "usage: tsx scripts/mock.ts [--port N] [--spec <path>]";

function parseOptions(args: string[]): { port: number; specPath: string } {
  const { values } = parseArgs({
    args,
    options: { port: { type: "string", default: "4010" }, spec: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  return { port, specPath: values.spec ?? join(generatedDir, "openapi.json") };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  let options: { port: number; specPath: string };
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`mock: ${message(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const mock = await startMockServer(options);
  console.log(`mock listening on ${mock.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    mock.close().catch((error: unknown) => {
      console.error(`mock: error while closing: ${message(error)}`);
      process.exitCode = 2;
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`mock: cannot start: ${message(error)}`);
  process.exitCode = 2;
});
