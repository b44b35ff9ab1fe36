/**
 * `npm run mock` — serves the bundled contract as a mock on 127.0.0.1 (src/mock-server.ts).
 *
 * Usage: npm run mock -- [--port N] [--spec <path>] [--tls] [--kubeconfig <path>]
 *   --port        TCP port, default 4010; 0 picks a free one.
 *   --spec        bundled spec to serve, default generated/openapi.json.
 *   --tls         serve HTTPS with a self-signed certificate for 127.0.0.1/localhost generated at
 *                 start (src/mock/tls.ts); it lives only as long as the process.
 *   --kubeconfig  with --tls: write a kubeconfig for kubectl there (mode 0600) before announcing the
 *                 port: server https://127.0.0.1:<port>, the certificate as certificate-authority-data,
 *                 token `mock-token`, namespace `default` (src/mock/kubeconfig.ts). Overwrites the file.
 *                 Try: KUBECONFIG=<path> kubectl patch pod web-7c9d8f6b5d-x2lqp --type=merge -p '{}'
 * Output: exactly one stdout line once it accepts requests, `mock listening on http(s)://127.0.0.1:<port>`
 * (tests parse it); problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments or when the mock cannot start
 * (unreadable or unbundled spec, Prism internals missing, port in use, kubeconfig not writable).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startMockServer } from "../src/mock-server.js";
import { kubeconfigYaml } from "../src/mock/kubeconfig.js";
import { generateLoopbackCertificate } from "../src/mock/tls.js";
import { closeOnSignal, errorMessage, generatedDir } from "./common.js";

const USAGE = "usage: npm run mock -- [--port N] [--spec <path>] [--tls] [--kubeconfig <path>]";
const KUBECONFIG_TOKEN = "mock-token";

interface Options {
  port: number;
  specPath: string;
  tls: boolean;
  kubeconfig: string | undefined;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "4010" },
      spec: { type: "string" },
      tls: { type: "boolean", default: false },
      kubeconfig: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  if (values.kubeconfig !== undefined && !values.tls) {
    throw new Error("--kubeconfig needs --tls: kubectl sends a token only over TLS");
  }
  return { port, specPath: values.spec ?? join(generatedDir, "openapi.json"), tls: values.tls, kubeconfig: values.kubeconfig };
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`mock: ${errorMessage(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const tls = options.tls ? await generateLoopbackCertificate() : undefined;
  const mock = await startMockServer({ specPath: options.specPath, port: options.port, ...(tls === undefined ? {} : { tls }) });
  if (options.kubeconfig !== undefined && tls !== undefined) {
    try {
      const kubeconfig = kubeconfigYaml({ server: mock.url, caCert: tls.cert, token: KUBECONFIG_TOKEN, namespace: "default" });
      writeFileSync(options.kubeconfig, kubeconfig, { mode: 0o600 });
    } catch (error) {
      await mock.close();
      throw error;
    }
  }
  console.log(`mock listening on ${mock.url}`);
  closeOnSignal("mock", mock);
}

main().catch((error: unknown) => {
  console.error(`mock: cannot start: ${errorMessage(error)}`);
  process.exitCode = 2;
});
