import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./server-modules.fixture.ts', import.meta.url));

// Every full collection marks the server's whole live heap, and on a loaded core that marking
// delays audio frames (docs/decisions/0035-embedded-s3-out-of-process.md).
it('keeps the embedded S3 and its modules out of the server process', { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const { packages, s3 } = JSON.parse(stdout) as {
    packages: string[];
    s3: { endpoint: string; shared: boolean; pid?: number };
  };
  expect(packages).toContain('fastify'); // the check sees the packages the server does load
  expect(packages).not.toContain('s3rver');
  expect(packages).not.toContain('koa');
  // The bucket answered through an S3 of the server's own that runs in another process.
  expect(s3).toMatchObject({ shared: false, pid: expect.any(Number) });
});
