export interface StoredObject {
  key: string;
  size_bytes: number;
}

/** Object storage for recordings (S3 or a compatible server). */
export interface RecordingStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<StoredObject>;
  head(key: string): Promise<StoredObject | undefined>;
  /** A short-lived URL; never store or log it. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}
