// AWS Signature Version 4 for the wire client's one request shape: `POST /` with a JSON body and the
// headers below, signed exactly as @smithy/signature-v4 signs it (the same headers, the same
// signature; wire-signer.test.ts compares both), with node:crypto's synchronous hashes and the
// signing key kept for the day. @smithy's signer costs several times more per request: an HMAC per
// request for its key cache, and every hash through an async, byte-array wrapper
// (docs/decisions/0029-turn-path-cpu.md).
import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface WireRequest {
  /** The Host header: host and, when not the default, port. */
  host: string;
  /** e.g. DynamoDB_20120810.GetItem */
  target: string;
  body: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** 20261207T162529Z: ISO 8601 basic format, whole seconds, UTC. */
export function amzDate(date: Date): string {
  const iso = date.toISOString();
  return (
    iso.slice(0, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    'T' +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19) +
    'Z'
  );
}

export class WireSigner {
  #key: { day: string; secret: string; key: Buffer } | undefined;

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /** The request's headers, Authorization included. */
  sign(request: WireRequest, credentials: SigningCredentials, date: Date): Record<string, string> {
    const longDate = amzDate(date);
    const day = longDate.slice(0, 8);
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const payloadHash = sha256Hex(request.body);
    const token = credentials.sessionToken;
    // Canonical headers in name order: content-type, host, x-amz-content-sha256, x-amz-date,
    // x-amz-security-token, x-amz-target. None of their values hold spaces to fold.
    const signedHeaders = token
      ? 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target'
      : 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target';
    const canonicalRequest =
      `POST\n/\n\n` +
      `content-type:${CONTENT_TYPE}\n` +
      `host:${request.host}\n` +
      `x-amz-content-sha256:${payloadHash}\n` +
      `x-amz-date:${longDate}\n` +
      (token ? `x-amz-security-token:${token}\n` : '') +
      `x-amz-target:${request.target}\n` +
      `\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.#signingKey(day, credentials.secretAccessKey))
      .update(stringToSign, 'utf8')
      .digest('hex');
    return {
      'content-type': CONTENT_TYPE,
      host: request.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': longDate,
      ...(token ? { 'x-amz-security-token': token } : {}),
      'x-amz-target': request.target,
      authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }

  /** The day's key for this secret: four HMACs once a day (or when the credentials change). */
  #signingKey(day: string, secret: string): Buffer {
    const kept = this.#key;
    if (kept && kept.day === day && kept.secret === secret) return kept.key;
    let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
    for (const part of [this.region, this.service, 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    this.#key = { day, secret, key };
    return key;
  }
}
