import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  /** A local or S3-compatible endpoint (s3rver, MinIO); absent for AWS itself. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** The in-process s3rver: fixed credentials S3RVER/S3RVER. */
  embedded: boolean;
}

// s3rver accepts only these credentials (STACK.md).
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

export function createS3Client(options: S3ClientOptions): S3Client {
  // Any endpoint other than AWS itself: s3rver, MinIO, LocalStack, R2…
  const local = options.embedded || options.endpoint !== undefined;
  return new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // A loopback host has no bucket subdomains; elsewhere S3_FORCE_PATH_STYLE decides.
    forcePathStyle: options.embedded || isLoopback(options.endpoint) || (options.forcePathStyle ?? false),
    ...(options.embedded ? { credentials: S3RVER_CREDENTIALS } : {}),
    // The SDK's default CRC32 checksums silently corrupt streamed uploads to s3rver (STACK.md), and
    // other S3-compatible servers often lack them: checksums only where an operation requires them.
    ...(local
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}
