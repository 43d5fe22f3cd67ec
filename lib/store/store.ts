import type { Readable } from "node:stream";

/**
 * The bundle store: where uploaded bundles live once validated. One interface, so that a team can put
 * an S3-compatible object store behind it; `FileSystemStore` is the default.
 *
 * A stored bundle is immutable and content-addressed (its blob), and reachable only through ids:
 * unguessable names handed out one per upload. Nothing lists blobs or ids.
 */
export interface BundleRecord {
  id: string;
  /** The content hash of the bundle's files (see `bundleContentHash`), naming its blob. */
  sha256: string;
  created_at: string;
}

/** A private scratch folder on local disk for one upload; `root` is what `commit` stores. */
export interface Staging {
  /** Scratch space: the request body goes here. */
  readonly dir: string;
  /** The blob being built: `files/` (the bundle as uploaded) and `derived/` (what the server computed). */
  readonly root: string;
  discard(): Promise<void>;
}

export interface StoredFile {
  size: number;
  /** A strong validator for the bytes (they never change under an id). */
  etag: string;
  /** The bytes from `start` to `end` inclusive (the whole file by default). */
  stream(start?: number, end?: number): Readable;
}

/** The two parts of a blob a client can read. */
export type BlobArea = "files" | "derived";

export interface BundleStore {
  /** Prepares the store and clears what interrupted uploads left; run when a server starts. */
  init(): Promise<void>;
  stage(): Promise<Staging>;
  /**
   * Makes a staged blob visible under a new id, all at once: a crash at any point leaves either the
   * whole bundle or nothing. When a blob with the same content hash exists, it is kept and the staged
   * copy dropped (`deduplicated`); the id is new either way.
   */
  commit(staging: Staging, sha256: string): Promise<{ record: BundleRecord; deduplicated: boolean }>;
  /** Whether a blob with this content hash is stored already (its upload then needs no checking). */
  hasBlob(sha256: string): Promise<boolean>;
  lookup(id: string): Promise<BundleRecord | null>;
  open(record: BundleRecord, area: BlobArea, path: string): Promise<StoredFile | null>;
  /**
   * How long URLs from `presign` stay good, in seconds, when browsers read this store's files straight
   * from it (an object store whose CORS allows it); null when they read them through this server.
   */
  presignedSeconds?(): number | null;
  /** A URL a browser can GET (with Range) one stored file from, for `presignedSeconds()`. */
  presign?(record: BundleRecord, area: BlobArea, path: string): Promise<string | null>;
}

/** 128 random bits, base64url: 22 characters, safe in a URL and in the share link's id list. */
export const BUNDLE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
