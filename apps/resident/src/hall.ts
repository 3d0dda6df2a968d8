/**
 * The online service hall (网上办事大厅, gov-affairs `/api/v1/hall/*`): the community's
 * catalogue of services (事项, paged, searched by name), applying with the materials each
 * service asks for (files through `/api/v1/hall/files`), my applications (我的办件) with
 * their history in words, adding what staff asked for (补正) and the certificate's
 * verification code. The form of a service is its JSON Schema (`hall-form.ts`).
 */
import type { Schemas } from "@sc/client";
import { api, GATEWAY, must } from "@/api";
import { locale } from "@/i18n";
import { IS_MP } from "@/platform";
import { freshToken } from "@/session";

export type HallItem = Schemas["HallItemRead"];
export type HallMaterial = Schemas["HallMaterialRead"];
export type HallApplication = Schemas["ApplicationRead"];
export type HallSummary = Schemas["HallApplicationSummary"];
export const HALL_PAGE = 20;

export async function catalogue(communityId: string, q: string, offset: number, limit = HALL_PAGE) {
  return must(
    await api.GET("/api/v1/hall/catalogue", {
      params: { query: { community_id: communityId, q: q.trim().slice(0, 40), limit, offset } },
    }),
  );
}

/** One service of the community's catalogue by its code (the catalogue is short: one page). */
export async function serviceItem(communityId: string, code: string): Promise<HallItem | null> {
  const page = await catalogue(communityId, "", 0, 100);
  return page.items.find((i) => i.code === code) ?? null;
}

export async function myApplications(offset: number) {
  return must(await api.GET("/api/v1/hall/my-applications", { params: { query: { limit: HALL_PAGE, offset } } }));
}

export async function application(id: string): Promise<HallApplication> {
  return must(await api.GET("/api/v1/hall/applications/{application_id}", { params: { path: { application_id: id } } }));
}

export async function apply(body: Schemas["ApplicationCreate"]): Promise<HallApplication> {
  return must(await api.POST("/api/v1/hall/applications", { body }));
}

/** Adds uploaded files to a material staff asked for, then sends the application back. */
export async function addAndResubmit(id: string, added: Record<string, string[]>): Promise<HallApplication> {
  for (const [material, files] of Object.entries(added)) {
    if (!files.length) continue;
    must(
      await api.POST("/api/v1/hall/applications/{application_id}/materials", {
        params: { path: { application_id: id } },
        body: { material, files },
      }),
    );
  }
  return must(await api.POST("/api/v1/hall/applications/{application_id}/resubmit", { params: { path: { application_id: id } } }));
}

/** Uploads one chosen photo or file (H5: multipart with the typed client; the mini-program:
 * `uni.uploadFile`); its id goes in the application's materials. */
export async function uploadMaterial(file: { path: string; file?: File }): Promise<string> {
  if (!IS_MP && file.file) {
    const form = new FormData();
    form.append("file", file.file);
    const result = await api.POST("/api/v1/hall/files", {
      body: form as unknown as { file: string },
      bodySerializer: (body: unknown) => body as FormData,
    });
    return must(result).id;
  }
  const token = await freshToken();
  return new Promise((resolve, reject) => {
    uni.uploadFile({
      url: `${GATEWAY}/api/v1/hall/files`,
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

/** The colour of a status tag. */
export function statusTone(status: HallSummary["status"]): "primary" | "success" | "warning" | "danger" | "default" {
  switch (status) {
    case "approved":
      return "success";
    case "needs_more":
      return "warning";
    case "rejected":
      return "danger";
    case "withdrawn":
      return "default";
    default:
      return "primary";
  }
}

type Words = { zh: string; en: string };
interface HallProblem {
  messages?: Record<string, string>;
  detail?: string;
  reasons?: Words[];
  errors?: { field?: string; message?: Words }[];
}

/** The service's refusal in its own words (the final say over the app's checks): its
 * sentence, the reasons it gives (材料缺少什么), and each field's problem by its path. */
export function refusal(e: unknown, fallback: string): { text: string; fields: Record<string, string> } {
  const p = (e ?? {}) as HallProblem;
  const en = locale.value === "en";
  const say = (w: Words) => (en ? w.en || w.zh : w.zh);
  const fields: Record<string, string> = {};
  for (const err of p.errors ?? []) if (err.message && err.field) fields[err.field] = say(err.message);
  const sentence = (en ? p.messages?.en : p.messages?.["zh-CN"]) || p.detail || fallback;
  const reasons = (p.reasons ?? []).map(say);
  const text = reasons.length ? `${sentence}${en ? ": " : "："}${reasons.join(en ? "; " : "；")}` : sentence;
  return { text, fields };
}
