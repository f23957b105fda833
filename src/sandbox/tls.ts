/**
 * A fresh self-signed serving certificate (EC P-256, SAN for 127.0.0.1 and localhost) made with the
 * machine's `openssl`, and random bearer tokens. kubectl refuses certificates without a SAN.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServingCert {
  cert: string;
  key: string;
}

export function generateServingCert(): ServingCert {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-sandbox-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '30',
        '-subj',
        '/CN=k8s-upgrade-sandbox',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } catch (e) {
    throw new Error(
      `could not generate the sandbox's TLS certificate with openssl (is openssl installed?): ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function randomToken(): string {
  return randomBytes(24).toString('hex');
}
