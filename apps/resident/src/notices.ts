/**
 * Community notices (社区公告, gov-affairs `/api/v1/notices`): the board of the resident's
 * places (published, unexpired, pinned first), and which of them the resident has read.
 *
 * Opening a notice (`GET /api/v1/notices/{id}`) leaves its read receipt at gov-affairs (once:
 * the committee sees who has read it). Each board page asks gov-affairs which of its notices
 * the caller has read (`GET /api/v1/notice-reads`, the caller's own receipts, so a notice
 * read on another device shows read too); the app also remembers the notices it opened, per
 * account on this device, so "read" shows at once and survives a failed look-up. That is
 * what "read" and the home page's unread count are made of.
 */
import { ref } from "vue";
import type { Schemas } from "@sc/client";
import { api, GATEWAY, must } from "@/api";
import { IS_MP } from "@/platform";
import { freshToken, me } from "@/session";

export type Notice = Schemas["NoticeRead"];

const KEY = "sc-app-notices-read:";
const KEEP = 500; // the latest notices opened; older ones have long left the board

const read = ref<Record<string, true>>({});
let owner: string | null = null;

function sync() {
  const id = me.value?.id ?? "";
  if (id === owner) return;
  owner = id;
  const kept = id ? uni.getStorageSync(KEY + id) : null;
  read.value = Object.fromEntries((Array.isArray(kept) ? (kept as string[]) : []).map((n) => [n, true]));
}

export function isRead(id: string): boolean {
  sync();
  return read.value[id] === true;
}

/** Remembers a notice as read (after its receipt was left by opening it). */
export function markRead(id: string) {
  sync();
  if (read.value[id] || !owner) return;
  read.value = { ...read.value, [id]: true };
  uni.setStorageSync(KEY + owner, Object.keys(read.value).slice(-KEEP));
}

export function unreadOf(items: Notice[]): number {
  return items.filter((n) => !isRead(n.id)).length;
}

/** A page of the resident's board, its notices the caller has read (anywhere) marked read. */
export async function board(limit: number, offset: number) {
  const page = must(await api.GET("/api/v1/notices", { params: { query: { limit, offset } } }));
  const ids = page.items.map((n) => n.id).slice(0, 100);
  if (ids.length) {
    // the receipts are a nicety on top of the board: a failed look-up keeps what the device knows
    const marks = await api.GET("/api/v1/notice-reads", { params: { query: { notice_id: ids } } }).catch(() => null);
    for (const m of marks?.data?.items ?? []) markRead(m.notice_id);
  }
  return page;
}

/** The notice's text without its line breaks, cut short for a list. */
export function excerpt(body: string, length = 60): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** Opens an attachment of a notice (the content needs the bearer token, so it is fetched):
 * a picture in the image viewer; any other file saved (H5) or opened (mini-program). */
export async function openAttachment(noticeId: string, fileId: string): Promise<void> {
  if (!IS_MP) {
    const result = await api.GET("/api/v1/notices/{notice_id}/attachments/{file_id}", {
      params: { path: { notice_id: noticeId, file_id: fileId } },
      parseAs: "blob",
    });
    const blob = must(result) as unknown as Blob;
    const url = URL.createObjectURL(blob);
    if (blob.type.startsWith("image/")) {
      uni.previewImage({ urls: [url] });
      return;
    }
    const link = document.createElement("a");
    link.href = url;
    link.download = fileId;
    link.click();
    return;
  }
  const token = await freshToken();
  const path = await new Promise<string>((resolve, reject) => {
    uni.downloadFile({
      url: `${GATEWAY}/api/v1/notices/${noticeId}/attachments/${fileId}`,
      header: { Authorization: `Bearer ${token}` },
      success: (r) => (r.statusCode === 200 ? resolve(r.tempFilePath) : reject({ status: r.statusCode })),
      fail: (e) => reject(new TypeError(e.errMsg)),
    });
  });
  await new Promise<void>((resolve) => {
    uni.openDocument({
      filePath: path,
      success: () => resolve(),
      // not a document WeChat opens (a picture): the image viewer
      fail: () => uni.previewImage({ urls: [path], complete: () => resolve() }),
    });
  });
}
