// The client over HTTPS (test/support/scripted-server.ts with identities from tools/servers/tls.ts): trusting
// a private CA, the server name checked, mutual TLS with a client certificate, insecure-skip-tls-verify with
// its warning; every handshake failure a NoAnswerError that was never applied and is not retried; and the
// TLS options refused where they cannot work.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createPodPatchClient,
  InvalidOptionError,
  NoAnswerError,
  type PatchPodRequest,
  type PodPatchClientOptions,
} from "../../src/index.js";
import { generateClientIdentity, generateLoopbackCertificate } from "../../tools/servers/tls.js";
import { pod, podReply, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

const request: PatchPodRequest = {
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { app: "web" } } },
};
const token = "tok-tls-secret-91c2";

let serverIdentity: { key: string; cert: string };
let clientIdentity: { caCert: string; cert: string; key: string };
let strangerIdentity: { caCert: string; cert: string; key: string };
let tlsServer: ScriptedServer;
let mutualServer: ScriptedServer;

beforeAll(async () => {
  [serverIdentity, clientIdentity, strangerIdentity] = await Promise.all([
    generateLoopbackCertificate(),
    generateClientIdentity("deploy-bot"),
    generateClientIdentity("stranger"),
  ]);
  tlsServer = await startScriptedServer(serverIdentity);
  mutualServer = await startScriptedServer({ ...serverIdentity, clientCa: clientIdentity.caCert });
  tlsServer.script([podReply]);
  mutualServer.script([podReply]);
});

afterAll(async () => {
  await Promise.all([tlsServer?.close(), mutualServer?.close()]);
});

function patch(server: ScriptedServer, options: Partial<PodPatchClientOptions>) {
  server.script([podReply]);
  return createPodPatchClient({ baseUrl: server.baseUrl, credentials: { bearerToken: token }, ...options }).patchPod(request);
}

async function handshakeFailure(server: ScriptedServer, options: Partial<PodPatchClientOptions>): Promise<NoAnswerError> {
  const error: unknown = await patch(server, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NoAnswerError);
  expect(error).toMatchObject({ reason: "TlsFailure", mayHaveBeenApplied: false, attempts: 1 });
  expect(server.requests).toHaveLength(0);
  expect(String((error as Error).message)).not.toContain(token);
  return error as NoAnswerError;
}

describe("server certificate", () => {
  test("a private CA that is not trusted: TlsFailure, never applied, not retried", async () => {
    const error = await handshakeFailure(tlsServer, {});
    expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  test("with `ca` the PATCH goes through", async () => {
    expect(await patch(tlsServer, { ca: serverIdentity.cert })).toMatchObject({ status: 200, data: pod });
    expect(tlsServer.requests.map(({ headers }) => headers.authorization)).toEqual([`Bearer ${token}`]);
  });

  test("`ca` may list several CAs", async () => {
    expect(await patch(tlsServer, { ca: [clientIdentity.caCert, serverIdentity.cert] })).toMatchObject({ status: 200 });
  });

  test("`tlsServerName` is the name the certificate must carry", async () => {
    expect(await patch(tlsServer, { ca: serverIdentity.cert, tlsServerName: "localhost" })).toMatchObject({ status: 200 });
    const error = await handshakeFailure(tlsServer, { ca: serverIdentity.cert, tlsServerName: "api.example.com" });
    expect(error.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  test("insecureSkipTlsVerify accepts the certificate and warns once, when the client is created", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on("warning", onWarning);
    try {
      const result = await patch(tlsServer, { insecureSkipTlsVerify: true });
      expect(result).toMatchObject({ status: 200 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => [(warning as Error & { code?: string }).code, warning.message])).toEqual([
        ["POD_PATCH_INSECURE_TLS", `TLS certificate verification is disabled for ${tlsServer.baseUrl}`],
      ]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("mutual TLS", () => {
  test("the client certificate is presented", async () => {
    const result = await patch(mutualServer, { ca: serverIdentity.cert, cert: clientIdentity.cert, key: clientIdentity.key });
    expect(result).toMatchObject({ status: 200, data: pod });
    expect(mutualServer.requests.map(({ clientCertificate }) => clientCertificate)).toEqual(["deploy-bot"]);
  });

  // In TLS 1.3 the server judges the client certificate after the client has finished its handshake and
  // written the request: the server's alert and its reset of the connection race, and a reset cannot be told
  // apart from a server that failed after acting, so then the client may only say "maybe applied".
  test.each<[string, () => Partial<PodPatchClientOptions>]>([
    ["without a client certificate", () => ({ ca: serverIdentity.cert })],
    [
      "with a certificate of another CA",
      () => ({ ca: serverIdentity.cert, cert: strangerIdentity.cert, key: strangerIdentity.key }),
    ],
  ])("%s: no answer, not retried, nothing reached the server", async (_name, options) => {
    const error: unknown = await patch(mutualServer, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswerError);
    const { reason, mayHaveBeenApplied, attempts } = error as NoAnswerError;
    expect([reason, mayHaveBeenApplied, attempts]).toEqual(
      reason === "TlsFailure" ? ["TlsFailure", false, 1] : ["ConnectionLost", true, 1],
    );
    expect(mutualServer.requests).toHaveLength(0);
  });
});

describe("TLS options that cannot work are refused when the client is created", () => {
  test.each<[string, Partial<PodPatchClientOptions>, string, RegExp]>([
    ["with an http: baseUrl", { baseUrl: "http://127.0.0.1:6443", ca: "PEM" }, "ca", /only apply to an https: baseUrl/],
    [
      "with a custom fetch",
      { ca: "PEM", fetch: (request) => fetch(request) },
      "ca",
      /through the client.s own transport \(no custom fetch\)/,
    ],
    ["a certificate without its key", { cert: "PEM" }, "cert", /cert and key go together/],
    ["a key without its certificate", { key: "PEM" }, "key", /cert and key go together/],
    [
      "insecureSkipTlsVerify with a CA",
      { insecureSkipTlsVerify: true, ca: "PEM" },
      "ca, insecureSkipTlsVerify",
      /insecureSkipTlsVerify would ignore ca/,
    ],
  ])("%s", (_name, given, option, message) => {
    const create = () => createPodPatchClient({ baseUrl: "https://127.0.0.1:6443", ...given });
    expect(create).toThrow(InvalidOptionError);
    expect(create).toThrow(expect.objectContaining({ option, message: expect.stringMatching(message) }));
  });
});
