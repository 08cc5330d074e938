import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, realtimeModelSettings } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env, '');
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('loadConfig', () => {
  it('checks the fallback model settings against each other and the primary', () => {
    expect(problemsOf({ LLM_FALLBACK_PROVIDER: 'openai' })).toEqual([
      'LLM_PROVIDER: required when LLM_FALLBACK_PROVIDER=openai',
      'LLM_FALLBACK_MODEL: required when LLM_FALLBACK_PROVIDER=openai',
      'LLM_FALLBACK_API_KEY or OPENAI_API_KEY: required when LLM_FALLBACK_PROVIDER=openai',
    ]);
    const primary = { LLM_PROVIDER: 'anthropic', LLM_MODEL: 'claude-x', ANTHROPIC_API_KEY: 'ak' };
    const fallback = {
      ...primary,
      LLM_FALLBACK_PROVIDER: 'openai-compatible',
      LLM_FALLBACK_MODEL: 'llama3.1',
    };
    expect(problemsOf(fallback)).toEqual([
      'LLM_FALLBACK_BASE_URL or OPENAI_COMPATIBLE_BASE_URL: required when LLM_FALLBACK_PROVIDER=openai-compatible',
    ]);
    const config = loadConfig({ ...fallback, LLM_FALLBACK_BASE_URL: 'http://127.0.0.1:11434/v1' }, '');
    expect(config).toMatchObject({ LLM_BREAKER_FAILURES: 5, LLM_BREAKER_COOLDOWN_MS: 30_000 });
    expect(
      problemsOf({
        ...primary,
        LLM_FALLBACK_PROVIDER: 'bedrock',
        LLM_FALLBACK_MODEL: 'm',
        AWS_REGION: 'us-east-1',
        LLM_FALLBACK_BASE_URL: 'http://x.example',
      }),
    ).toEqual(['LLM_FALLBACK_BASE_URL: not used with LLM_FALLBACK_PROVIDER=bedrock']);
    expect(problemsOf({ LLM_BREAKER_FAILURES: '-1' })[0]).toMatch(/^LLM_BREAKER_FAILURES:/);
  });

  it('reads the realtime model settings: its own key else the OpenAI key, and a wss URL (ws only locally)', () => {
    expect(realtimeModelSettings(loadConfig({}, ''))).toEqual({ openTimeoutMs: 5_000 });
    expect(realtimeModelSettings(loadConfig({ OPENAI_API_KEY: 'sk-a' }, ''))).toMatchObject({
      openaiApiKey: 'sk-a',
    });
    const own = loadConfig(
      {
        OPENAI_API_KEY: 'sk-a',
        OPENAI_REALTIME_API_KEY: 'sk-b',
        OPENAI_REALTIME_URL: 'ws://127.0.0.1:4010/v1/realtime',
      },
      '',
    );
    expect(realtimeModelSettings(own)).toEqual({
      openaiApiKey: 'sk-b',
      openaiUrl: 'ws://127.0.0.1:4010/v1/realtime',
      openTimeoutMs: 5_000,
    });
    for (const url of [
      'ws://realtime.example.com/v1/realtime',
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      'https://api.openai.com/v1/realtime',
    ])
      expect(problemsOf({ OPENAI_REALTIME_URL: url })[0]).toMatch(/^OPENAI_REALTIME_URL: a wss:\/\/ URL/);
    expect(problemsOf({ REALTIME_OPEN_TIMEOUT_MS: '10' })[0]).toMatch(/^REALTIME_OPEN_TIMEOUT_MS:/);
  });

  it('reads TRUST_PROXY as Fastify takes it: none by default, any, or addresses and CIDRs', () => {
    const trust = (value?: string) =>
      loadConfig(value === undefined ? {} : { TRUST_PROXY: value }, '').TRUST_PROXY;
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('10.0.0.0/16, 10.1.2.3,loopback')).toEqual(['10.0.0.0/16', '10.1.2.3', 'loopback']);
    expect(trust('2001:db8::/32')).toEqual(['2001:db8::/32']);
    // A hop count is refused: Fastify trusts no hop by count, so it would silently do nothing.
    for (const bad of [
      '1',
      'maybe',
      '10.0.0.0/33',
      '10.0.0.300',
      'fe80::/129',
      '10.0.0.0/8/1',
      '10.0.0.1,',
    ]) {
      expect(problemsOf({ TRUST_PROXY: bad }), bad).toEqual([
        expect.stringMatching(/^TRUST_PROXY: false \| true \| the proxies' addresses/),
      ]);
    }
  });

  it('needs no setting for a local run: embedded stores, port 3000, scripted mode', () => {
    const config = loadConfig({}, '');
    expect(config.PORT).toBe(3000);
    expect(config.embeddedDynamo).toBe(true);
    expect(config.embeddedS3).toBe(true);
    expect(config.LLM_PROVIDER).toBe('none');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.tables).toMatchObject({
      agents: 'VoiceAssistant_Agents',
      calls: 'VoiceAssistant_Calls',
      phoneNumbers: 'VoiceAssistant_PhoneNumbers',
    });
  });

  it('applies a table prefix and switches to AWS when a region is set', () => {
    const config = loadConfig(
      { TABLE_PREFIX: 'Prod_', AWS_REGION: 'eu-west-1', PUBLIC_URL: 'https://x.example/' },
      '',
    );
    expect(config.tables.calls).toBe('Prod_Calls');
    expect(config.embeddedDynamo).toBe(false);
    expect(config.publicUrl).toBe('https://x.example');
  });

  it('reads the standard OTel variables: off without an endpoint, traces-specific ones winning', () => {
    expect(loadConfig({}, '').otel).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'calls' }, '').otel).toBeUndefined();
    const config = loadConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D1, x-team=voice',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=calls',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,service.name=from-attributes',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      },
      '',
    );
    expect(config.otel).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/json',
      headers: { 'x-api-key': 'abc=1', 'x-team': 'calls' },
      timeoutMs: 10_000,
      serviceName: 'from-attributes',
      resourceAttributes: { 'deployment.environment.name': 'staging', 'service.name': 'from-attributes' },
    });
    const own = loadConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
        OTEL_SERVICE_NAME: 'voice-eu',
      },
      '',
    ).otel;
    expect(own).toMatchObject({
      tracesUrl: 'https://traces.example/otlp',
      protocol: 'http/protobuf',
      serviceName: 'voice-eu',
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, '').otel,
    ).toBeUndefined();
  });

  it('refuses a bad OTel list or protocol without repeating a header value', () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization Bearer s3cret-token',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      METRICS_TOKEN: 'short',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'OTEL_EXPORTER_OTLP_HEADERS: key=value pairs, comma-separated',
        'OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf | http/json (grpc is not supported)',
        'METRICS_TOKEN: at least 16 characters',
      ]),
    );
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('names every bad or missing setting at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      LLM_PROVIDER: 'openai',
      TWILIO_ACCOUNT_SID: 'nope',
      RECORDING_FORMAT: 'ogg',
    });
    const names = problems.map((p) => p.split(':')[0]);
    // Bad values and settings missing for another one's sake, in the same message.
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'TWILIO_ACCOUNT_SID',
        'RECORDING_FORMAT',
        'OPENAI_API_KEY',
        'LLM_MODEL',
      ]),
    );
    expect(problems).toContain('OPENAI_API_KEY: required when LLM_PROVIDER=openai');
  });

  it('asks for the provider settings an LLM needs', () => {
    const problems = problemsOf({ LLM_PROVIDER: 'openai-compatible' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OPENAI_COMPATIBLE_BASE_URL/),
        expect.stringMatching(/^LLM_MODEL/),
      ]),
    );
  });

  it('fails closed in production without the secrets, or with signature checks off', () => {
    const problems = problemsOf({ NODE_ENV: 'production', TWILIO_VALIDATE_SIGNATURES: 'false' });
    for (const name of [
      'PUBLIC_URL',
      'ADMIN_API_KEY',
      'TWILIO_AUTH_TOKEN',
      'WEBHOOK_SECRET',
      'TWILIO_VALIDATE_SIGNATURES',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it('reads .env underneath the real environment', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(resolve(tmpdir(), 'va-env-'));
    const file = resolve(dir, '.env');
    writeFileSync(file, 'PORT=4100\nLOG_LEVEL=debug\n');
    const config = loadConfig({ LOG_LEVEL: 'warn' }, file);
    expect(config.PORT).toBe(4100);
    expect(config.LOG_LEVEL).toBe('warn');
  });
});

describe('an entry point with bad settings', () => {
  it('prints every problem and exits with code 2', () => {
    const result = spawnSync(
      process.execPath,
      [resolve(import.meta.dirname, '../bin/voice-agent.mjs'), 'db', 'create-tables'],
      {
        env: { ...process.env, PORT: 'eighty', RECORDING_FORMAT: 'ogg', LLM_PROVIDER: 'anthropic' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('RECORDING_FORMAT');
    expect(result.stderr).toContain('ANTHROPIC_API_KEY: required when LLM_PROVIDER=anthropic');
    expect(result.stderr.match(/Invalid settings/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
