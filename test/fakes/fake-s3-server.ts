import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that plays the parts of S3 that s3rver cannot: buckets owned by
 * another account (CreateBucket → 409 BucketAlreadyExists, HeadBucket → 403), and a MinIO without
 * KMS that refuses uploads asking for server-side encryption. Path-style only. Every request is
 * recorded with its headers and body.
 */
export interface FakeS3Request {
  method: string;
  bucket: string;
  /** Empty for a bucket operation. */
  key: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeS3Server {
  url: string;
  requests: FakeS3Request[];
  close(): Promise<void>;
}

export interface FakeS3Options {
  /** Buckets that exist but belong to another account. */
  foreignBuckets?: string[];
  /** Refuse x-amz-server-side-encryption as MinIO does without a KMS (501 NotImplemented). */
  refuseEncryption?: boolean;
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

export async function startFakeS3Server(options: FakeS3Options = {}): Promise<FakeS3Server> {
  const foreign = new Set(options.foreignBuckets ?? []);
  const owned = new Set<string>();
  const objects = new Map<string, number>();
  const requests: FakeS3Request[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://s3').pathname;
      const [bucket = '', ...rest] = path.slice(1).split('/');
      const key = decodeURIComponent(rest.join('/'));
      const method = req.method ?? '';
      requests.push({ method, bucket, key, headers: req.headers, body: body.toString('utf8') });
      const fail = (status: number, code: string, message: string) =>
        res.writeHead(status, { 'content-type': 'application/xml' }).end(xmlError(code, message));

      if (!key) {
        if (req.method === 'HEAD') {
          res.writeHead(foreign.has(bucket) ? 403 : owned.has(bucket) ? 200 : 404).end();
        } else if (req.method === 'PUT') {
          if (foreign.has(bucket)) return fail(409, 'BucketAlreadyExists', 'The bucket name is taken.');
          if (owned.has(bucket)) return fail(409, 'BucketAlreadyOwnedByYou', 'You own it.');
          owned.add(bucket);
          res.writeHead(200, { location: `/${bucket}` }).end();
        } else fail(405, 'MethodNotAllowed', 'not in this fake');
        return;
      }
      if (!owned.has(bucket)) return fail(404, 'NoSuchBucket', 'The bucket does not exist.');
      if (req.method === 'PUT') {
        if (options.refuseEncryption && req.headers['x-amz-server-side-encryption'])
          return fail(501, 'NotImplemented', 'Server side encryption specified but KMS is not configured');
        objects.set(`${bucket}/${key}`, body.byteLength);
        res.writeHead(200, { etag: '"fake"' }).end();
      } else if (req.method === 'HEAD') {
        const size = objects.get(`${bucket}/${key}`);
        if (size === undefined) res.writeHead(404).end();
        else res.writeHead(200, { 'content-length': String(size) }).end();
      } else fail(405, 'MethodNotAllowed', 'not in this fake');
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
