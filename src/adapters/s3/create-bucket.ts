import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';

const ALREADY_THERE = new Set(['BucketAlreadyOwnedByYou', 'BucketAlreadyExists']);

/** Creates the bucket; true when it was created, false when it already existed. */
export async function createBucket(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const name = (error as { name?: string; Code?: string }).name;
    if (name && ALREADY_THERE.has(name)) return false;
    throw error;
  }
}
