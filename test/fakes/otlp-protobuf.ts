// Decodes an OTLP ExportTraceServiceRequest from its protobuf encoding (OTEL_EXPORTER_OTLP_PROTOCOL
// http/protobuf, the exporter's default) into the OTLP/JSON shape: ids as hex, times as decimal
// nanosecond strings. Only the fields the receiver reads; unknown fields are skipped, as protobuf
// readers must. Field numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).

type Fields = Map<number, (bigint | Buffer)[]>;

/** One message's fields: varints and fixed64s as bigint, length-delimited as bytes; fixed32 skipped. */
function fields(buffer: Buffer): Fields {
  const out: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    let value: bigint | Buffer | undefined;
    if (wire === 0) value = varint();
    else if (wire === 1) value = ((at += 8), buffer.readBigUInt64LE(at - 8));
    else if (wire === 2) {
      const length = Number(varint());
      value = buffer.subarray(at, (at += length));
    } else if (wire === 5) at += 4;
    else throw new Error(`protobuf wire type ${wire} is not used by OTLP`);
    if (value !== undefined) out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (f: Fields, n: number) => f.get(n)?.[0] as Buffer | undefined;
const text = (f: Fields, n: number) => bytes(f, n)?.toString('utf8');
const int = (f: Fields, n: number) => f.get(n)?.[0] as bigint | undefined;
const all = (f: Fields, n: number) => (f.get(n) ?? []) as Buffer[];

function anyValue(buffer: Buffer) {
  const f = fields(buffer);
  if (f.has(1)) return { stringValue: text(f, 1) ?? '' };
  if (f.has(2)) return { boolValue: int(f, 2) === 1n };
  if (f.has(3)) return { intValue: String(BigInt.asIntN(64, int(f, 3)!)) };
  if (f.has(4)) {
    const raw = Buffer.alloc(8);
    raw.writeBigUInt64LE(int(f, 4)!);
    return { doubleValue: raw.readDoubleLE() };
  }
  return {};
}

const attributes = (buffers: Buffer[]) =>
  buffers.map((b) => {
    const f = fields(b);
    return { key: text(f, 1) ?? '', value: anyValue(bytes(f, 2) ?? Buffer.alloc(0)) };
  });

function span(buffer: Buffer) {
  const f = fields(buffer);
  const parent = bytes(f, 4);
  const status = bytes(f, 15) && fields(bytes(f, 15)!);
  return {
    traceId: bytes(f, 1)?.toString('hex') ?? '',
    spanId: bytes(f, 2)?.toString('hex') ?? '',
    ...(parent && parent.length > 0 ? { parentSpanId: parent.toString('hex') } : {}),
    name: text(f, 5) ?? '',
    kind: Number(int(f, 6) ?? 0n),
    startTimeUnixNano: String(int(f, 7) ?? 0n),
    endTimeUnixNano: String(int(f, 8) ?? 0n),
    attributes: attributes(all(f, 9)),
    events: all(f, 11).map((e) => {
      const event = fields(e);
      return { name: text(event, 2) ?? '', timeUnixNano: String(int(event, 1) ?? 0n) };
    }),
    ...(status ? { status: { code: Number(int(status, 3) ?? 0n), message: text(status, 2) } } : {}),
  };
}

/** ExportTraceServiceRequest → its OTLP/JSON form. */
export function decodeTraceRequest(body: Buffer) {
  return {
    resourceSpans: all(fields(body), 1).map((rs) => {
      const f = fields(rs);
      const resource = bytes(f, 1);
      return {
        resource: { attributes: attributes(resource ? all(fields(resource), 1) : []) },
        scopeSpans: all(f, 2).map((ss) => ({ spans: all(fields(ss), 2).map(span) })),
      };
    }),
  };
}
