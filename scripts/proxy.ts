/**
 * `npm run proxy -- --upstream <url>` — a validating proxy in front of a real API server
 * (src/mock/proxy-server.ts): forwards every request as is and checks request and answer against the
 * bundled contract, printing one stderr line per violation (what, where, which rule).
 *
 * Usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--errors]
 *                             [--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>] [--insecure]
 *   --upstream       base URL of the API server, http:// or https://.
 *   --port           TCP port on 127.0.0.1, default 4011; 0 picks a free one.
 *   --spec           bundled spec, default generated/openapi.json.
 *   --errors         refuse requests that break the contract (401/413/415/400/422 Status, upstream not
 *                    reached) and replace answers that break it with a 502 Status naming the violations.
 *   --upstream-ca    PEM file of the CA that signed the upstream's certificate (e.g. the cluster's ca.crt).
 *   --upstream-cert, --upstream-key
 *                    PEM client certificate and key for mutual TLS to the cluster (both or neither).
 *   --insecure       do not verify the upstream's certificate; only when you must.
 * Credentials in the request (X-Auth-Token, Authorization) pass through untouched.
 * Output: exactly one stdout line once it accepts requests, `proxy listening on http://127.0.0.1:<port> -> <upstream>`;
 * violations and problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments, unreadable PEM files or when the
 * proxy cannot start (unreadable or unbundled spec, Prism internals missing, port in use).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startProxyServer, type ProxyServerOptions } from "../src/mock/proxy-server.js";
import { closeOnSignal, errorMessage, generatedDir } from "./common.js";

const USAGE =
  "usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--errors] " +
  "[--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>] [--insecure]";

function readPem(option: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${option}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseOptions(args: string[]): ProxyServerOptions {
  const { values } = parseArgs({
    args,
    options: {
      upstream: { type: "string" },
      port: { type: "string", default: "4011" },
      spec: { type: "string" },
      errors: { type: "boolean", default: false },
      "upstream-ca": { type: "string" },
      "upstream-cert": { type: "string" },
      "upstream-key": { type: "string" },
      insecure: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.upstream === undefined || !/^https?:\/\/[^/]/.test(values.upstream)) {
    throw new Error(`--upstream must be an http:// or https:// URL, got ${values.upstream === undefined ? "nothing" : `"${values.upstream}"`}`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  if ((values["upstream-cert"] === undefined) !== (values["upstream-key"] === undefined)) {
    throw new Error("--upstream-cert and --upstream-key go together");
  }
  const ca = readPem("--upstream-ca", values["upstream-ca"]);
  const cert = readPem("--upstream-cert", values["upstream-cert"]);
  const key = readPem("--upstream-key", values["upstream-key"]);
  return {
    specPath: values.spec ?? join(generatedDir, "openapi.json"),
    port,
    upstream: values.upstream,
    upstreamTls: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      insecure: values.insecure,
    },
    errors: values.errors,
    report: (line) => console.error(line),
  };
}

async function main(): Promise<void> {
  let options: ProxyServerOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`proxy: ${errorMessage(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const proxy = await startProxyServer(options);
  console.log(`proxy listening on ${proxy.url} -> ${options.upstream}`);
  closeOnSignal("proxy", proxy);
}

main().catch((error: unknown) => {
  console.error(`proxy: cannot start: ${errorMessage(error)}`);
  process.exitCode = 2;
});
