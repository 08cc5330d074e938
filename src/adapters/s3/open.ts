import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config.js';
import { IN_MEMORY_DATA_DIR } from '../embedded/local-secrets.js';
import { connectOrStartEmbeddedS3, startEmbeddedS3 } from '../embedded/s3rver.js';
import { createS3Client } from './client.js';
import { createBucket } from './create-bucket.js';
import { S3RecordingStore, type ServerSideEncryption } from './recording-store.js';

export interface OpenedS3 {
  client: S3Client;
  store: S3RecordingStore;
  bucket: string;
  /**
   * The embedded server, when embedded: its endpoint, and the pid of the child process that runs it
   * (none when shared: another process on DATA_DIR runs it).
   */
  embedded?: { endpoint: string; shared: boolean; pid?: number };
  close(): Promise<void>;
}

type S3Config = Pick<
  Config,
  'embeddedS3' | 'DATA_DIR' | 'S3_ENDPOINT' | 'S3_BUCKET' | 'S3_FORCE_PATH_STYLE' | 'AWS_REGION'
> &
  Partial<Pick<Config, 'S3_SSE'>>;

/**
 * S3_SSE when set; otherwise SSE-S3 on AWS itself, and none on an S3_ENDPOINT, where servers often
 * lack it (MinIO without a KMS refuses the header). The embedded s3rver has no encryption at all.
 */
export function serverSideEncryption(
  config: Pick<S3Config, 'S3_ENDPOINT' | 'S3_SSE'>,
): ServerSideEncryption | undefined {
  const chosen = config.S3_SSE ?? (config.S3_ENDPOINT ? 'none' : 'AES256');
  return chosen === 'none' ? undefined : chosen;
}

/**
 * The recordings bucket: the embedded s3rver (a child process) under DATA_DIR when no AWS settings
 * are given (a temporary one for ':memory:' or `inMemory`), else AWS S3 or S3_ENDPOINT (MinIO and
 * the like).
 * The embedded bucket is created at once (unless ensureBucket is false); elsewhere run
 * `voice-agent s3 create-bucket`.
 */
export async function openS3(
  config: S3Config,
  options: {
    inMemory?: boolean;
    ensureBucket?: boolean;
    /** Called when the embedded S3's child process ends while in use. */
    onUnexpectedExit?: (detail: string) => void;
  } = {},
): Promise<OpenedS3> {
  if (config.embeddedS3 || options.inMemory) {
    const temporary = options.inMemory === true || config.DATA_DIR === IN_MEMORY_DATA_DIR;
    const watch = options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {};
    const server = temporary
      ? await startEmbeddedS3(watch)
      : await connectOrStartEmbeddedS3(config.DATA_DIR, watch);
    const client = createS3Client({ endpoint: server.endpoint, embedded: true });
    try {
      if (options.ensureBucket !== false) await createBucket(client, config.S3_BUCKET);
    } catch (error) {
      client.destroy();
      await server.close();
      throw error;
    }
    return {
      client,
      store: new S3RecordingStore(client, config.S3_BUCKET),
      bucket: config.S3_BUCKET,
      embedded: {
        endpoint: server.endpoint,
        shared: server.shared,
        ...(server.pid === undefined ? {} : { pid: server.pid }),
      },
      close: async () => {
        client.destroy();
        await server.close();
      },
    };
  }
  const client = createS3Client({
    endpoint: config.S3_ENDPOINT,
    region: config.AWS_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    embedded: false,
  });
  return {
    client,
    store: new S3RecordingStore(client, config.S3_BUCKET, {
      serverSideEncryption: serverSideEncryption(config),
    }),
    bucket: config.S3_BUCKET,
    close: async () => client.destroy(),
  };
}
