// What building the app loads: a provider's SDK only when the settings make it usable, the MCP SDK
// only once an agent with an MCP server is read (decision 0034). Each case is a fresh process, since
// a module once loaded stays; its ES module loads are recorded by a resolve hook.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run-cli.js';

const CHILD = resolve(import.meta.dirname, '../support/module-loads/build-app.mjs');

const COMPATIBLE = {
  LLM_PROVIDER: 'openai-compatible',
  LLM_MODEL: 'llama3.1',
  OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
};

/** The URLs of the modules a fresh process resolved while building the app with these settings. */
async function modulesLoaded(settings: Record<string, string>, step?: 'mcp-agent'): Promise<string[]> {
  const dir = tempDir('voice-agent-loads-');
  const file = resolve(dir.path, 'loads.txt');
  try {
    const stderr = await new Promise<string>((done, fail) => {
      const child = spawn(
        process.execPath,
        [CHILD, JSON.stringify(settings), file, ...(step ? [step] : [])],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          cwd: dir.path,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) =>
        code === 0 ? done(errors) : fail(new Error(`build-app exited ${code}: ${errors}`)),
      );
    });
    expect(stderr).toBe('');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  } finally {
    dir.remove();
  }
}

const fromPackage = (loads: string[], name: string) =>
  loads.filter((url) => url.includes(`/node_modules/${name}/`));

describe('modules loaded by building the app', () => {
  it('with an OpenAI-compatible model and no agent using MCP: not Anthropic, Bedrock or the MCP SDK', async () => {
    const loads = await modulesLoaded(COMPATIBLE);
    // The recording works: the configured provider's package is there.
    expect(fromPackage(loads, '@ai-sdk/openai-compatible')).not.toEqual([]);
    expect(fromPackage(loads, '@ai-sdk/anthropic')).toEqual([]);
    expect(fromPackage(loads, '@ai-sdk/amazon-bedrock')).toEqual([]);
    expect(fromPackage(loads, '@modelcontextprotocol/sdk')).toEqual([]);
  });

  it("loads Anthropic's package when its key is set, and the MCP SDK once an agent with an MCP server is read", async () => {
    const loads = await modulesLoaded({ ...COMPATIBLE, ANTHROPIC_API_KEY: 'sk-ant-test' }, 'mcp-agent');
    expect(fromPackage(loads, '@ai-sdk/anthropic')).not.toEqual([]);
    expect(fromPackage(loads, '@ai-sdk/amazon-bedrock')).toEqual([]);
    expect(fromPackage(loads, '@modelcontextprotocol/sdk')).toContainEqual(
      expect.stringContaining('/dist/esm/client/streamableHttp.js'),
    );
  });
});
