import type { Command } from 'commander';
import type { OpenedS3 } from '../../adapters/s3/open.js';
import { printLine } from '../output.js';

export type OpenS3 = () => Promise<Pick<OpenedS3, 'client' | 'bucket' | 'close'>>;

// Heavy modules (the AWS SDK) load only when the command runs, so --help stays quick.
const openFromSettings: OpenS3 = async () => {
  const [{ loadConfigOrExit }, { openS3 }] = await Promise.all([
    import('../../config.js'),
    import('../../adapters/s3/open.js'),
  ]);
  return openS3(loadConfigOrExit(), { ensureBucket: false });
};

export function registerS3Command(program: Command, open: OpenS3 = openFromSettings): Command {
  const s3 = program.command('s3').description('object storage for call recordings');

  s3.command('create-bucket')
    .description('create the S3_BUCKET bucket if it does not exist (idempotent)')
    .action(async () => {
      const { createBucket } = await import('../../adapters/s3/create-bucket.js');
      const opened = await open();
      try {
        const created = await createBucket(opened.client, opened.bucket);
        printLine(created ? `created bucket ${opened.bucket}` : `bucket ${opened.bucket} already exists`);
      } finally {
        await opened.close();
      }
    });

  return s3;
}
