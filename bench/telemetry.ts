// BENCH_TELEMETRY=on runs the server children with tracing on, exporting to a local OTLP sink in
// the parent process, so the CPU per turn can be compared with a run without it (the target:
// tracing adds at most 0.5 ms of server CPU per turn). Each benchmark's section is then written
// under "<heading> (telemetry on)", next to the plain one. BENCH_OTLP_PROTOCOL picks the encoding
// (default http/protobuf, the exporter's own default).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const telemetryOn = () => /^(1|on|true|yes)$/i.test(process.env.BENCH_TELEMETRY ?? '');

/** Settings the server children add to their config: tracing to the sink the parent started. */
export function benchTelemetrySettings(): Record<string, string> {
  const endpoint = process.env.BENCH_OTLP_ENDPOINT;
  if (!endpoint) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: process.env.BENCH_OTLP_PROTOCOL ?? 'http/protobuf',
  };
}

export interface OtlpSink {
  /** Its base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  endpoint: string;
  /** Export requests and bytes received so far. */
  counts(): { requests: number; bytes: number };
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP endpoint that accepts every export and only counts it (parsing would spend the
 * parent's CPU, not the server's). Sets BENCH_OTLP_ENDPOINT for the children it forks next.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      requests += 1;
      const json = String(request.headers['content-type']).startsWith('application/json');
      // An empty ExportTraceServiceResponse: `{}` in JSON, no bytes in protobuf.
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      response.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.BENCH_OTLP_ENDPOINT = endpoint;
  return {
    endpoint,
    counts: () => ({ requests, bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        delete process.env.BENCH_OTLP_ENDPOINT;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The section as written with tracing on: its own heading, and what the sink received. */
export function withTelemetryNote(section: string, heading: string, sink: OtlpSink): string {
  const { requests, bytes } = sink.counts();
  const protocol = process.env.BENCH_OTLP_PROTOCOL ?? 'http/protobuf';
  return section.replace(
    `## ${heading}\n`,
    `## ${heading} (telemetry on)\n\nTracing on (BENCH_TELEMETRY): spans exported over OTLP/HTTP (${protocol}) ` +
      `to a local sink, which received ${requests} export requests (${Math.round(bytes / 1024)} KiB). ` +
      `Compare the CPU per turn with the "${heading}" section.\n`,
  );
}
