import type { Command } from 'commander';

export function registerServeCommand(program: Command): Command {
  return program
    .command('serve')
    .description('start the server (embedded DynamoDB under DATA_DIR unless AWS settings are given)')
    .action(async () => {
      const [{ loadConfigOrExit }, { startServer }] = await Promise.all([
        import('../../config.js'),
        import('../../server.js'),
      ]);
      await startServer(loadConfigOrExit());
      // The server runs until SIGTERM/SIGINT; startServer's signal handler exits the process.
      await new Promise<never>(() => {});
    });
}
