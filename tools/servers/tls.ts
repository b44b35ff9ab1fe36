/**
 * A throw-away TLS identity for the mock: a self-signed certificate (selfsigned package) that is its
 * own CA, valid for `127.0.0.1`, `::1` and `localhost`, generated in memory at start-up.
 *
 * Input: none. Output: `{ key, cert }` as PEM strings, ready for node's https server and for a
 * kubeconfig's `certificate-authority-data` (kubectl, a Go client, trusts it as a root because it
 * is marked as a CA). Nothing is written to disk here.
 */
import { generate } from "selfsigned";

export interface TlsIdentity {
  /** PEM private key. */
  key: string;
  /** PEM certificate; also the CA certificate clients must trust. */
  cert: string;
}

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

export async function generateLoopbackCertificate(): Promise<TlsIdentity> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "pod-patch-contract mock" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    // A minute of slack against clock skew between the generator and the client.
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 30 * ONE_DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
