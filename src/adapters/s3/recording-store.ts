import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RecordingStore, StoredObject } from '../../ports/recording-store.js';

export type ServerSideEncryption = 'AES256' | 'aws:kms';

export interface S3RecordingStoreOptions {
  /** Asked of S3 on every upload; absent for servers without it (s3rver, MinIO without a KMS). */
  serverSideEncryption?: ServerSideEncryption;
}

/** Recordings in one S3 bucket (AWS, MinIO or the embedded s3rver). */
export class S3RecordingStore implements RecordingStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly options: S3RecordingStoreOptions = {},
  ) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<StoredObject> {
    // A buffered body (not a stream) lets the SDK's own retries resend it.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...(this.options.serverSideEncryption
          ? { ServerSideEncryption: this.options.serverSideEncryption }
          : {}),
      },
      leavePartsOnError: false,
    });
    await upload.done();
    return { key, size_bytes: body.byteLength };
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size_bytes: out.ContentLength ?? 0 };
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
        return undefined;
      throw error;
    }
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
