/**
 * Throw-away TLS identities (selfsigned package), generated in memory; nothing is written to disk here.
 * - `generateLoopbackCertificate()`: the mock's serving identity, a self-signed certificate that is its own
 *   CA, valid for `127.0.0.1`, `::1` and `localhost`. Output: `{ key, cert }` as PEM strings, ready for
 *   node's https server and for a kubeconfig's `certificate-authority-data` (kubectl, a Go client, trusts
 *   it as a root because it is marked as a CA).
 * - `generateClientIdentity(commonName)`: a client CA and a client certificate it signed, for mutual TLS
 *   (the mock's `--client-ca`; a kubeconfig's `client-certificate-data`/`client-key-data`). Output:
 *   `{ caCert, cert, key }` as PEM strings.
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

/** A CA for client certificates, and one client certificate (CN `commonName`) it signed. */
export async function generateClientIdentity(commonName: string): Promise<{ caCert: string; cert: string; key: string }> {
  const now = Date.now();
  const validity = { notBeforeDate: new Date(now - 60_000), notAfterDate: new Date(now + 30 * ONE_DAY_MS) };
  const ca = await generate([{ name: "commonName", value: "pod-patch-contract client CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    ...validity,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
    ],
  });
  const client = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    ...validity,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  return { caCert: ca.cert, cert: client.cert, key: client.private };
}
