/**
 * `npm run verify -- --kubeconfig FILE [...]`: checks a live cluster against the bundled contract
 * (src/verify/verify.ts): schema drift, dry-run behavioural probes, a report.
 *
 * Inputs: the flags below. Outputs: the report on stdout (src/verify/report.ts), progress on stderr,
 * with --json the whole report as JSON in FILE (written to a temporary file, then renamed).
 * Exit codes: 0 no unexplained difference; 1 some; 2 usage errors, an unusable kubeconfig, refused
 * credentials or an unreachable server (one line, never a token or URL userinfo).
 * Installed from the package, the same CLI is the `verify` subcommand of its `pod-patch` bin
 * (src/cli/pod-patch.ts): `npx pod-patch verify --kubeconfig FILE`.
 */
import { renameSync, writeFileSync } from "node:fs";
import { loadBundledContract } from "../contract/bundle.js";
import { exitCodeOf, formatReport } from "../verify/report.js";
import { openCluster } from "../verify/transport.js";
import { runVerify, userAgent, VerifyUsageError } from "../verify/verify.js";
import { CliUsageError, isEntryPoint, parseCli, runCli } from "./args.js";

/** The usage, for the command the CLI was started as (`npm run verify --`, or the bin's `pod-patch verify`). */
export const verifyUsage = (
  command: string,
): string => `usage: ${command} [--kubeconfig FILE] [--context NAME] [--namespace NS] [--pod NAME]
       ${" ".repeat(command.length)} [--create-pod NS] [--gateway] [--json FILE]
  --kubeconfig FILE  the cluster and credentials, read as kubectl reads them (default: $KUBECONFIG, its
                     files merged, then ~/.kube/config): token, tokenFile, exec plugin, client certificate
  --context NAME     a context of the kubeconfig (default: its current-context)
  --namespace NS     namespace of the Pod to probe (default: the context's, then "default")
  --pod NAME         the Pod to probe (default: the first Pod of the namespace); only read, every PATCH is a dry run
  --create-pod NS    create one throwaway Pod in NS, probe it, delete it (the only thing verify ever writes)
  --gateway          CCE's API-gateway route: send the kubeconfig's token in X-Auth-Token
  --json FILE        also write the whole report as JSON to FILE
Exit: 0 no unexplained difference, 1 some, 2 usage error or the cluster cannot be used.`;

/** Runs verify on `args`; `command` is how the user started it (for the usage). */
export async function main(args: string[], command = "npm run verify --"): Promise<number> {
  const usage = verifyUsage(command);
  const parsed = parseCli(args, usage, {
    kubeconfig: { type: "string" },
    context: { type: "string" },
    namespace: { type: "string" },
    pod: { type: "string" },
    "create-pod": { type: "string" },
    gateway: { type: "boolean", default: false },
    json: { type: "string" },
  });
  if (parsed === "help") return 0;
  const { values } = parsed;
  if (values.pod !== undefined && values["create-pod"] !== undefined)
    throw new CliUsageError("--pod and --create-pod exclude each other", usage);
  const { transport, namespace } = openCluster(
    {
      ...(values.kubeconfig === undefined ? {} : { path: values.kubeconfig }),
      ...(values.context === undefined ? {} : { context: values.context }),
    },
    values.gateway ? "gateway" : "apiserver",
    userAgent,
  );
  try {
    const report = await runVerify(transport, {
      namespace: values.namespace ?? namespace,
      ...(values.pod === undefined ? {} : { pod: values.pod }),
      ...(values["create-pod"] === undefined ? {} : { createPodIn: values["create-pod"] }),
      contract: loadBundledContract(),
      log: (line) => console.error(line),
    });
    process.stdout.write(formatReport(report));
    if (values.json !== undefined) {
      const temporary = `${values.json}.partial-${process.pid}`;
      writeFileSync(temporary, `${JSON.stringify(report, null, 1)}\n`);
      renameSync(temporary, values.json);
    }
    return exitCodeOf(report);
  } catch (error) {
    if (error instanceof VerifyUsageError) throw new CliUsageError(error.message, usage);
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) runCli("verify", () => main(process.argv.slice(2)), 2);
