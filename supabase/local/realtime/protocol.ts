/**
 * Phoenix's wire format as Realtime speaks it: the v2 serializer (text frames are JSON arrays
 * `[join_ref, ref, topic, event, payload]`; binary kind 3 carries a client's broadcast, kind 4 a
 * broadcast to the client) and the v1 serializer (JSON objects), which other clients still use.
 */

export type Vsn = '1.0.0' | '2.0.0';

export interface Frame {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** A client's broadcast as binary kind 3: the user event and payload travel outside any JSON envelope. */
export interface BinaryBroadcast {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** Parsed JSON when the client sent JSON (enc 1), raw bytes otherwise. */
  payload: unknown;
  binary: boolean;
}

export type Decoded = { ok: true; frame: Frame } | { ok: true; broadcast: BinaryBroadcast } | { ok: false; reason: string };

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;

function refOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

export function decodeText(text: string, vsn: Vsn): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the frame is not JSON' };
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) return { ok: false, reason: 'a v2 frame is an array of 5' };
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    if (typeof topic !== 'string' || typeof event !== 'string') return { ok: false, reason: 'topic and event must be strings' };
    return { ok: true, frame: { joinRef: refOrNull(joinRef), ref: refOrNull(ref), topic, event, payload } };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'a v1 frame is an object' };
  const object = parsed as Record<string, unknown>;
  if (typeof object.topic !== 'string' || typeof object.event !== 'string') {
    return { ok: false, reason: 'topic and event must be strings' };
  }
  return {
    ok: true,
    frame: { joinRef: refOrNull(object.join_ref), ref: refOrNull(object.ref), topic: object.topic, event: object.event, payload: object.payload },
  };
}

export function decodeBinary(data: Buffer): Decoded {
  if (data.length < 7 || data[0] !== USER_BROADCAST_PUSH) return { ok: false, reason: 'only binary kind 3 (a user broadcast) is accepted' };
  const lengths = [data[1]!, data[2]!, data[3]!, data[4]!, data[5]!];
  const enc = data[6];
  let offset = 7;
  const parts: string[] = [];
  for (const length of lengths) {
    if (offset + length > data.length) return { ok: false, reason: 'the binary frame is shorter than its header says' };
    parts.push(data.subarray(offset, offset + length).toString('utf8'));
    offset += length;
  }
  const [joinRef, ref, topic, event] = parts as [string, string, string, string];
  const rest = data.subarray(offset);
  let payload: unknown = Buffer.from(rest);
  if (enc === 1) {
    try {
      payload = JSON.parse(rest.toString('utf8'));
    } catch {
      return { ok: false, reason: 'the binary frame says JSON but its payload is not JSON' };
    }
  } else if (enc !== 0) {
    return { ok: false, reason: 'unknown payload encoding in the binary frame' };
  }
  return { ok: true, broadcast: { joinRef: joinRef || null, ref: ref || null, topic, event, payload, binary: enc === 0 } };
}

export function encodeText(frame: Frame, vsn: Vsn): string {
  if (vsn === '2.0.0') return JSON.stringify([frame.joinRef, frame.ref, frame.topic, frame.event, frame.payload]);
  return JSON.stringify({ topic: frame.topic, event: frame.event, payload: frame.payload, ref: frame.ref });
}

/**
 * The text `encodeText` makes, around a payload that is JSON already: a frame that goes to many sockets
 * has its payload encoded once rather than once per socket.
 */
export function encodeTextAround(frame: Omit<Frame, 'payload'>, payloadJson: string, vsn: Vsn): string {
  const { joinRef, ref, topic, event } = frame;
  if (vsn === '2.0.0') return `[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},${payloadJson}]`;
  return `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${payloadJson},"ref":${JSON.stringify(ref)}}`;
}

/** Kind 4, the only binary frame realtime-js decodes; used for payloads that are bytes. */
export function encodeBinaryBroadcast(topic: string, event: string, meta: unknown, payload: Buffer): Buffer | undefined {
  const topicBytes = Buffer.from(topic);
  const eventBytes = Buffer.from(event);
  const metaBytes = meta === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(meta));
  if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255) return undefined;
  const header = Buffer.from([USER_BROADCAST, topicBytes.length, eventBytes.length, metaBytes.length, 0]);
  return Buffer.concat([header, topicBytes, eventBytes, metaBytes, payload]);
}
