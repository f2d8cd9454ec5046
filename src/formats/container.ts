// The envelope shared by negsamp's binary formats (.nsm, .nsq): 8-byte magic, u32 LE
// format version, u32 LE byte length of a JSON header, the header, the format's own
// payload, and a trailing CRC-32 of everything before it.
import { FormatError } from "./errors.ts";

/** Bytes before the JSON header: magic, version, header length. */
export const PREAMBLE = 16;

export interface Envelope {
  view: DataView;
  header: Record<string, unknown>;
  /** Byte offset just past the JSON header, where the payload starts. */
  payloadAt: number;
  /** Throws a FormatError naming the source and the byte offset. */
  fail: (problem: string, offset: number) => never;
}

/** Checks the magic, the version and the header length against the real byte count, then
 *  parses the header; a bad file throws FormatError before anything large is allocated. */
export function openEnvelope(
  bytes: Uint8Array,
  source: string,
  format: { hasMagic: (bytes: Uint8Array) => boolean; what: string; version: number },
): Envelope {
  const fail = (problem: string, offset: number): never => {
    throw new FormatError(source, problem, { offset });
  };
  if (!format.hasMagic(bytes)) fail(`not a ${format.what} (bad magic)`, 0);
  if (bytes.length < PREAMBLE + 4) fail(`truncated: only ${bytes.length} bytes`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== format.version) {
    fail(`unsupported format version ${version} (this build reads ${format.version})`, 8);
  }
  const jsonLen = view.getUint32(12, true);
  if (jsonLen > bytes.length - PREAMBLE - 4) {
    fail(`truncated or corrupted: header length ${jsonLen} exceeds the file size`, 12);
  }
  let header: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(PREAMBLE, PREAMBLE + jsonLen),
      ),
    );
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw 0;
    header = parsed as Record<string, unknown>;
  } catch {
    fail("header is not a valid JSON object", PREAMBLE);
  }
  return { view, header, payloadAt: PREAMBLE + jsonLen, fail };
}
