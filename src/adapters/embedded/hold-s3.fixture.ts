// Test fixture run as a child process: runs an embedded S3 (on DATA_DIR/s3, shared as a command
// shares it, or in a temporary folder without DATA_DIR), prints it, and holds it until killed.
import { connectOrStartEmbeddedS3, startEmbeddedS3 } from './s3rver.js';

const [dataDir] = process.argv.slice(2);
const s3 = dataDir === undefined ? await startEmbeddedS3() : await connectOrStartEmbeddedS3(dataDir);
const { endpoint, shared, pid: s3Pid, directory } = s3;
process.stdout.write(`${JSON.stringify({ endpoint, shared, s3Pid, directory })}\n`);
setInterval(() => {}, 60_000);
