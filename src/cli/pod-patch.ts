#!/usr/bin/env node
/**
 * The package's `pod-patch` bin: one command, two subcommands.
 *   pod-patch patch --pod … --type … --patch …   a patch applied locally, the apiserver's answer predicted (src/cli/patch.ts)
 *   pod-patch verify [--kubeconfig FILE] …        a live cluster checked against the contract (src/cli/verify.ts)
 * `pod-patch --pod …` (flags without a subcommand) is the patch CLI, as the bin was before it had
 * subcommands, so existing scripts keep working.
 *
 * Inputs: argv. Outputs: those of the subcommand; `pod-patch`, `pod-patch --help` and `pod-patch help` print
 * the list of subcommands on stdout. Exit codes: the subcommand's; 0 for the list; 2 with the list on stderr
 * when no subcommand is given or the subcommand is unknown.
 */
import { isEntryPoint, runCli } from "./args.js";
import { runPatchCli } from "./patch.js";
import { main as runVerifyCli } from "./verify.js";

export const podPatchUsage = `usage: pod-patch <command> [options]
  patch    apply a patch to a Pod locally and predict whether the apiserver accepts it
           (pod-patch patch --help; "pod-patch --pod …" without the word patch works too)
  verify   check a live cluster against the bundled contract: schema drift and dry-run probes
           (pod-patch verify --help)
  help     this list`;

export interface BinOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Dispatches `argv` (without node and script) to a subcommand. Patch answers synchronously; verify, which
 * reaches a cluster, sets process.exitCode when it ends (runCli), so `undefined` is returned for it.
 */
export function runPodPatch(argv: string[], output: BinOutput): number | undefined {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    output.stdout(`${podPatchUsage}\n`);
    return 0;
  }
  if (command === "patch") return runPatchCli(rest, output, "pod-patch patch");
  if (command?.startsWith("-")) return runPatchCli(argv, output, "pod-patch patch");
  if (command === "verify") {
    runCli("pod-patch verify", () => runVerifyCli(rest, "pod-patch verify"), 2);
    return undefined;
  }
  output.stderr(
    `pod-patch: ${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n${podPatchUsage}\n`,
  );
  return 2;
}

if (isEntryPoint(import.meta.url)) {
  const code = runPodPatch(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  if (code !== undefined) process.exitCode = code;
}
