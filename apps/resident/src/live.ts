/**
 * The resident's live stream (`GET /api/v1/stream`, Server-Sent Events): new inbox messages
 * (a case accepted, an alarm at home, a warning) arrive while a page is open.
 *
 * The stream needs the Authorization header, so EventSource cannot read it. On H5 the typed
 * client reads it over fetch (`parseAs: "stream"`); in the mini-program `uni.request` with
 * `enableChunked` hands over the chunks. Both feed one parser. On `expired` or a dropped
 * connection it reconnects with a fresh token and `Last-Event-ID` (the stream replays what
 * was missed).
 */
import { ref } from "vue";
import { api, GATEWAY } from "@/api";
import { IS_MP } from "@/platform";
import { freshToken } from "@/session";

export interface LiveMessage {
  id: number;
  title: string;
  body: string;
  severity: string;
  correlation_id: string | null;
  created_at: string;
}

interface Frame {
  event: string;
  data: string;
  id: string;
}

type Listener = (message: LiveMessage) => void;

export const connected = ref(false);
export const unread = ref(0);
const listeners = new Set<Listener>();
let running = false;
let abort: (() => void) | null = null;
let lastEventId = "";

/** Splits a text stream into SSE frames (`event:`, `data:`, `id:`; comments skipped). */
export class SseParser {
  private buffer = "";
  private frame: Frame = { event: "message", data: "", id: "" };

  constructor(private readonly emit: (frame: Frame) => void) {}

  push(text: string) {
    this.buffer += text.replace(/\r\n?/g, "\n");
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      newline = this.buffer.indexOf("\n");
    }
  }

  private line(line: string) {
    if (line === "") {
      if (this.frame.data || this.frame.event !== "message") this.emit(this.frame);
      this.frame = { event: "message", data: "", id: "" };
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") this.frame.event = value;
    else if (field === "data") this.frame.data += (this.frame.data ? "\n" : "") + value;
    else if (field === "id") this.frame.id = value;
  }
}

function onFrame(frame: Frame) {
  if (frame.id) lastEventId = frame.id;
  if (frame.event === "ready") connected.value = true;
  if (frame.event === "expired") throw new Error("expired");
  if (frame.event !== "message" || !frame.data) return;
  const message = JSON.parse(frame.data) as LiveMessage;
  unread.value += 1;
  listeners.forEach((listener) => listener(message));
}

function headers(token: string): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    Accept: "text/event-stream",
    ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
  };
}

/** H5: the typed client reads the stream over fetch until it ends or fails. */
async function readOverFetch(token: string): Promise<void> {
  const controller = new AbortController();
  abort = () => controller.abort();
  const { data, response } = await api.GET("/api/v1/stream", {
    parseAs: "stream",
    headers: headers(token),
    signal: controller.signal,
  });
  if (!response.ok || !data) throw new Error(`stream ${response.status}`);
  const reader = (data as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser(onFrame);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    controller.abort();
  }
}

/** Mini-program: `uni.request` with chunked transfer (no fetch there). */
function readOverChunks(token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    pending = [];
    const parser = new SseParser(onFrame);
    const task = uni.request({
      url: `${GATEWAY}/api/v1/stream`,
      header: headers(token),
      enableChunked: true,
      responseType: "arraybuffer",
      timeout: 24 * 3600 * 1000,
      success: () => resolve(),
      fail: (error) => reject(new Error(error.errMsg)),
    } as UniApp.RequestOptions) as unknown as {
      abort(): void;
      onChunkReceived?(cb: (r: { data: ArrayBuffer }) => void): void;
    };
    abort = () => task.abort();
    task.onChunkReceived?.((chunk) => {
      try {
        parser.push(utf8(new Uint8Array(chunk.data)));
      } catch (error) {
        task.abort();
        reject(error);
      }
    });
  });
}

// a chunk may end inside a character: keep the incomplete tail for the next one
let pending: number[] = [];
function utf8(bytes: Uint8Array): string {
  const all = [...pending, ...bytes];
  let end = all.length;
  for (let back = 1; back <= 3 && back <= all.length; back++) {
    const b = all[all.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end = all.length - back;
    break;
  }
  pending = all.slice(end);
  return decodeURIComponent(
    all
      .slice(0, end)
      .map((b) => `%${b.toString(16).padStart(2, "0")}`)
      .join(""),
  );
}

/** Starts the stream once for the session (pages call it freely). */
export function startLive() {
  if (running) return;
  running = true;
  const loop = async () => {
    while (running) {
      const token = await freshToken();
      if (!token) break;
      try {
        await (IS_MP ? readOverChunks(token) : readOverFetch(token));
      } catch {
        // dropped, refused or expired: reconnect below with a fresh token
      }
      connected.value = false;
      if (running) await new Promise((r) => setTimeout(r, 2000));
    }
    running = false;
  };
  void loop();
}

export function stopLive() {
  running = false;
  abort?.();
  connected.value = false;
}

/** Calls `listener` with every message that arrives; returns the way to stop. */
export function onLiveMessage(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
