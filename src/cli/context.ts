// Each data command builds its own container (role 'cli'). With the embedded store it reuses the
// running server's database through DATA_DIR's discovery file, or opens the folder itself.
// Heavy modules (AWS SDK, dynalite) load only when a command needs them, so --help stays quick.
import type { Config } from '../config.js';
import type { Container } from '../container.js';

export async function withContainer<T>(
  run: (container: Container) => Promise<T>,
  /** Settings already read (default: the environment's). */
  given?: Config,
): Promise<T> {
  const [{ loadConfigOrExit }, { createContainer }, { createLogger }] = await Promise.all([
    import('../config.js'),
    import('../container.js'),
    import('../logger.js'),
  ]);
  const config = given ?? loadConfigOrExit();
  const container = await createContainer(config, { logger: createLogger(config, 'cli'), role: 'cli' });
  try {
    return await run(container);
  } finally {
    await container.close();
  }
}
