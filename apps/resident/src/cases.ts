/** Repairs and complaints (work-orders): status colours, photos in and out. */
import type { Schemas } from "@sc/client";
import { api, GATEWAY, must } from "@/api";
import { IS_MP } from "@/platform";
import { freshToken } from "@/session";

export type Case = Schemas["WorkOrderRead"];
export type CaseDetail = Schemas["WorkOrderDetail"];
type Tag = "primary" | "success" | "warning" | "danger" | "default";

export function statusTag(status: string): Tag {
  if (status === "resolved") return "warning";
  if (status === "closed") return "success";
  if (status === "rejected" || status === "cancelled") return "default";
  if (status === "submitted" || status === "reopened") return "danger";
  return "primary";
}

/** Uploads one chosen photo; its attachment id goes with the case or the step. H5 posts it
 * with the typed client (multipart); the mini-program has no FormData: `uni.uploadFile`. */
export async function uploadPhoto(file: { path: string; file?: File }): Promise<string> {
  if (!IS_MP && file.file) {
    const form = new FormData();
    form.append("file", file.file);
    const result = await api.POST("/api/v1/work-order-attachments", {
      body: form as unknown as { file: string },
      bodySerializer: (body: unknown) => body as FormData,
    });
    return must(result).id;
  }
  const token = await freshToken();
  return new Promise((resolve, reject) => {
    uni.uploadFile({
      url: `${GATEWAY}/api/v1/work-order-attachments`,
      filePath: file.path,
      name: "file",
      header: { Authorization: `Bearer ${token}` },
      success: (r) => {
        if (r.statusCode === 201 || r.statusCode === 200) resolve(JSON.parse(r.data).id);
        else reject({ ...JSON.parse(r.data || "{}"), status: r.statusCode });
      },
      fail: (e) => reject(new TypeError(e.errMsg)),
    });
  });
}

const photoUrls = new Map<string, string>();

/** A photo of a case as an image source (the content needs the bearer token). */
export async function photoUrl(id: string): Promise<string> {
  const known = photoUrls.get(id);
  if (known) return known;
  let url: string;
  if (!IS_MP) {
    const result = await api.GET("/api/v1/work-order-attachments/{attachment_id}/content", {
      params: { path: { attachment_id: id } },
      parseAs: "blob",
    });
    url = URL.createObjectURL(must(result) as unknown as Blob);
  } else {
    const token = await freshToken();
    url = await new Promise<string>((resolve, reject) => {
      uni.downloadFile({
        url: `${GATEWAY}/api/v1/work-order-attachments/${id}/content`,
        header: { Authorization: `Bearer ${token}` },
        success: (r) => (r.statusCode === 200 ? resolve(r.tempFilePath) : reject({ status: r.statusCode })),
        fail: (e) => reject(new TypeError(e.errMsg)),
      });
    });
  }
  photoUrls.set(id, url);
  return url;
}

/** The resident's position for a report, when they allow it (null otherwise). */
export function position(): Promise<{ latitude: number; longitude: number } | null> {
  return new Promise((resolve) => {
    uni.getLocation({
      type: "wgs84",
      success: (r) => resolve({ latitude: r.latitude, longitude: r.longitude }),
      fail: () => resolve(null),
    });
  });
}
