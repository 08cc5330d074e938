import {
  CreateBucketCommand,
  HeadBucketCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { invalid } from '../../domain/errors.js';

// us-east-1 is S3's default location and AWS refuses it as an explicit LocationConstraint.
const DEFAULT_REGION = 'us-east-1';

const errorName = (error: unknown) => (error as { name?: string } | null)?.name;

async function canUse(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the bucket in the client's region; true when it was created, false when it already exists
 * and is ours. A bucket name another account holds is an error: S3 bucket names are global.
 */
export async function createBucket(client: S3Client, bucket: string): Promise<boolean> {
  const region = await client.config.region();
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // Outside us-east-1 AWS requires the region here (IllegalLocationConstraintException otherwise).
        ...(region && region !== DEFAULT_REGION
          ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
          : {}),
      }),
    );
    return true;
  } catch (error) {
    const name = errorName(error);
    if (name === 'BucketAlreadyOwnedByYou') return false;
    // AWS means "someone else's"; s3rver says it for every existing bucket. Ours answers HeadBucket.
    if (name === 'BucketAlreadyExists') {
      if (await canUse(client, bucket)) return false;
      // A setting to change, not a fault: the CLI exits with code 2 naming it.
      throw invalid('S3_BUCKET', `bucket ${bucket} belongs to another account; choose another name`);
    }
    throw error;
  }
}
