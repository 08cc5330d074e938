// What the realtime benchmark's processes share: the tag every frame of the fake's audio carries in
// its first 8 bytes (μ-law like any other: our server forwards audio untouched), and the clock they
// read (CLOCK_MONOTONIC, which on Linux every process reads alike).
export const FRAME_BYTES = 160; // 20 ms of μ-law
export const TAG = Buffer.from([0x00, 0x01, 0x02, 0x03]);
export const TAG_BYTES = TAG.length + 4;

/** The tag a frame carries. */
export function tagOf(frame: Buffer): number | undefined {
  if (frame.length < TAG_BYTES || frame.compare(TAG, 0, TAG.length, 0, TAG.length) !== 0) return undefined;
  return frame.readUInt32BE(TAG.length);
}

// The tag's first three bytes (00 01 02) in base64: the tone never starts so.
const TAG_BASE64 = TAG.subarray(0, 3).toString('base64');

/** The tag of a base64 frame, decoding only the first 9 bytes of the frames that may carry one. */
export function tagOfBase64(payload: string): number | undefined {
  if (!payload.startsWith(TAG_BASE64)) return undefined;
  return tagOf(Buffer.from(payload.slice(0, 12), 'base64'));
}

/** CLOCK_MONOTONIC in ms (process.hrtime): the same clock in every process of the machine. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
