import type { Command } from 'commander';
import { CliError } from '../output.js';

export function registerServeCommand(program: Command): Command {
  return program
    .command('serve')
    .description('start the server (embedded DynamoDB under DATA_DIR unless AWS settings are given)')
    .action(async () => {
      const [
        { loadConfigOrExit },
        { startServer },
        { DataFolderInUseError },
        { startSandbox },
        { applyHeapGrowth },
      ] = await Promise.all([
        import('../../config.js'),
        import('../../server.js'),
        import('../../adapters/embedded/dynalite.js'),
        import('../../agent-tests/sandbox.js'),
        import('../../heap-growth.js'),
      ]);
      try {
        const config = loadConfigOrExit();
        applyHeapGrowth(config.HEAP_GROWING_PERCENT);
        // POST /agents/:id/test runs its scenarios against a sandbox server: handed in here, since
        // the sandbox is a server too (the app importing it would be an import cycle).
        await startServer(config, { app: { startSandbox: (agents) => startSandbox(config, { agents }) } });
      } catch (error) {
        // Another process holds DATA_DIR: a setting to change (or a process to stop), exit code 2.
        if (error instanceof DataFolderInUseError) throw new CliError(error.message, 2);
        throw error;
      }
      // The server runs until SIGTERM/SIGINT; startServer's signal handler exits the process.
      await new Promise<never>(() => {});
    });
}
