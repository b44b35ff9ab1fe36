#!/usr/bin/env node
/**
 * `npm run patch -- --pod <pod.json> --type <json|merge|strategic|apply> --patch <patch>`: applies a
 * patch to a Pod locally, like `kubectl patch --local`, and predicts whether the apiserver would accept
 * the resulting update (src/engine: applyPatch, then checkPodUpdate). Run by `node tools/pipeline/stage.mjs patch`.
 *
 * Inputs: --pod, a JSON file with the current Pod; --type, the patch format; --patch, inline JSON (text
 * starting with `{` or `[`) or a file (JSON; YAML also accepted for --type apply, read as the apiserver
 * reads it: src/yaml/apiserver-yaml.ts); for --type apply, --field-manager (default `patch-cli`) and
 * --force, as the apiserver's PATCH options: a Pod that carries managedFields is applied to with field
 * ownership (conflicts, removal of dropped fields). Files are read up to the apiserver's 3 MiB request
 * limit (MAX_BODY_BYTES) and no further, so a device that never ends (/dev/zero) is refused, not read.
 * Outputs: stdout, the patched Pod as JSON (also when the update would be refused, to show what was
 * attempted); stderr, each update-rule violation with the spec paths it concerns, then the Kubernetes
 * Status the apiserver would answer with (for a patch that cannot apply, the engine's explanation with
 * the field path, then that Status).
 * Exit codes: 0 the update would be accepted; 1 the apiserver would refuse it (a patch error or an
 * update-rule violation); 2 usage error (bad arguments; --pod / --patch missing, a directory, over 3 MiB,
 * unreadable or unparseable).
 * Installed from the package, the same CLI is the `patch` subcommand of its `pod-patch` bin (src/cli/pod-patch.ts):
 * `npx pod-patch patch --pod …`, or `npx pod-patch --pod …` as before subcommands existed.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { applyPatch, checkPodUpdate, PatchError, updateRejection } from "../engine/index.js";
import { type JsonValue, jsonText } from "../engine/json.js";
import { MAX_BODY_BYTES, type PatchMediaType, type Pod } from "../operation/patch-pod.js";
import { decodeApiserverYaml } from "../yaml/apiserver-yaml.js";
import { CliUsageError, errorMessage, isEntryPoint, parseCli } from "./args.js";

const mediaTypes: Record<string, PatchMediaType> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/** The usage, for the command the CLI was started as (`npm run patch --`, or the bin's `pod-patch patch`). */
export const patchUsage = (
  command: string,
): string => `usage: ${command} --pod <pod.json> --type <json|merge|strategic|apply> --patch <inline JSON | file>
       ${" ".repeat(command.length)} [--field-manager <name>] [--force]
  --pod <file>             the current Pod, JSON
  --type <type>            json, merge, strategic or apply (the patch media type)
  --patch <text>           inline JSON (starting with { or [) or a file (JSON; YAML too for --type apply)
  --field-manager <name>   the manager of a server-side apply (default patch-cli)
  --force                  --type apply only: take over fields other managers own
  Prints the patched Pod on stdout, and on stderr what the apiserver would refuse.
  Exit 0 accepted, 1 the apiserver would refuse it, 2 usage error.`;

export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function parseDocument(text: string, yaml: boolean, what: string, usage: string): unknown {
  if (yaml) {
    const decoded = decodeApiserverYaml(text);
    if (!decoded.ok) throw new CliUsageError(`${what} is not valid YAML: ${decoded.message}`, usage);
    return decoded.value;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliUsageError(`${what} is not valid JSON: ${errorMessage(error)}`, usage);
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

/**
 * A file's text, read up to MAX_BODY_BYTES: a regular file is refused by its size before reading, anything
 * else (a device, a FIFO) once that many bytes have arrived. `undefined` when there is no such file.
 */
function readFile(path: string, what: string, usage: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new CliUsageError(`${what} ${path} cannot be read: ${errorMessage(error)}`, usage);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new CliUsageError(`${what} ${path} is a directory, not a file`, usage);
    const tooLarge = new CliUsageError(
      `${what} ${path} is larger than ${MAX_BODY_BYTES} bytes, the apiserver's request limit`,
      usage,
    );
    if (stats.isFile() && stats.size > MAX_BODY_BYTES) throw tooLarge;
    const buffer = Buffer.alloc(MAX_BODY_BYTES + 1);
    let length = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        throw new CliUsageError(`${what} ${path} cannot be read: ${errorMessage(error)}`, usage);
      }
      if (read === 0) break;
      length += read;
      if (length > MAX_BODY_BYTES) throw tooLarge;
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

/** --patch: inline JSON when it starts with `{` or `[`, a file otherwise. */
function readPatch(value: string, type: string, usage: string): unknown {
  if (/^\s*[[{]/.test(value)) return parseDocument(value, false, "--patch", usage);
  const text = readFile(value, "--patch", usage);
  if (text === undefined) {
    throw new CliUsageError(
      `--patch ${JSON.stringify(value)} is neither an inline patch (JSON starting with { or [) nor a file that exists`,
      usage,
    );
  }
  return parseDocument(text, type === "apply", `--patch file ${value}`, usage);
}

function readPod(path: string, usage: string): Pod {
  const text = readFile(path, "--pod", usage);
  if (text === undefined) throw new CliUsageError(`--pod file not found: ${path}`, usage);
  const pod = parseDocument(text, false, `--pod file ${path}`, usage);
  if (typeof pod !== "object" || pod === null || Array.isArray(pod))
    throw new CliUsageError(`--pod file ${path} must hold a JSON object (a Pod)`, usage);
  return pod;
}

interface Options {
  pod: Pod;
  patch: unknown;
  mediaType: PatchMediaType;
  fieldManager: string;
  force: boolean;
}

function parseOptions(argv: string[], output: CliOutput, usage: string): Options | "help" {
  const parsed = parseCli(
    argv,
    usage,
    {
      pod: { type: "string" },
      type: { type: "string" },
      patch: { type: "string" },
      "field-manager": { type: "string", default: "patch-cli" },
      force: { type: "boolean", default: false },
    },
    { print: (text) => output.stdout(`${text}\n`) },
  );
  if (parsed === "help") return parsed;
  const { values } = parsed;
  const { pod, type, patch } = values;
  if (pod === undefined || type === undefined || patch === undefined)
    throw new CliUsageError("--pod, --type and --patch are required", usage);
  const mediaType = mediaTypes[type];
  if (mediaType === undefined)
    throw new CliUsageError(`--type must be one of ${Object.keys(mediaTypes).join(", ")}; got "${type}"`, usage);
  if (values.force === true && type !== "apply") throw new CliUsageError("--force is only for --type apply", usage);
  return {
    pod: readPod(pod, usage),
    patch: readPatch(patch, type, usage),
    mediaType,
    fieldManager: String(values["field-manager"]),
    force: values.force === true,
  };
}

/**
 * Runs the CLI on `argv` (without node and script); returns the exit code. `command` is how the user started
 * it, for the usage and the error prefix: `npm run patch --` or the bin's `pod-patch patch`.
 */
export function runPatchCli(argv: string[], output: CliOutput, command = "npm run patch --"): number {
  let options: Options | "help";
  try {
    options = parseOptions(argv, output, patchUsage(command));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    output.stderr(`${command === "npm run patch --" ? "patch" : command}: ${error.message}\n${error.usage}\n`);
    return 2;
  }
  if (options === "help") return 0;
  let patched: Pod;
  try {
    patched = applyPatch(options.pod, options.patch, options.mediaType, {
      fieldManager: options.fieldManager,
      force: options.force,
    });
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    // The Status is the apiserver's, which often does not say where the patch went wrong; the engine's
    // explanation and field path do.
    const where = error.field === undefined || error.field === "" ? "" : ` (at ${error.field})`;
    output.stderr(
      `the apiserver would refuse this patch (${error.status.code}${error.status.reason ? ` ${error.status.reason}` : ""}): ${error.message}${where}\n` +
        `${JSON.stringify(error.status, null, 2)}\n`,
    );
    return 1;
  }
  // jsonText, not JSON.stringify: a Pod may nest 10,000 levels, beyond JSON.stringify's recursion.
  output.stdout(`${jsonText(patched as JsonValue, { indent: 2 })}\n`);
  const violations = checkPodUpdate(options.pod, patched);
  if (violations.length === 0) return 0;
  // The spec rule's message ends with the apiserver's diff of the specs, one line each: indented under it.
  const lines = violations.map((violation) => {
    const message = `  ${violation.message.trimEnd().replaceAll("\n", "\n    ")}`;
    return violation.changed === undefined ? message : `${message}\n    changed: ${violation.changed.join(", ")}`;
  });
  output.stderr(
    `the apiserver would refuse this update (${violations.length} violation${violations.length === 1 ? "" : "s"}):\n${lines.join("\n")}\n` +
      `${JSON.stringify(updateRejection(options.pod, violations), null, 2)}\n`,
  );
  return 1;
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = runPatchCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
