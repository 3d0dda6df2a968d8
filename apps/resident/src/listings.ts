/**
 * Housing listings (房屋租售, commerce `/api/v1/commerce/listings`): the community's published
 * ones and the household's own (with their review state), their photos, and posting one with
 * photos (`/api/v1/commerce/listing-photos`, the platform's upload mechanism). Photo contents
 * need the bearer token, so they are fetched, not linked (as a case's photos, `cases.ts`).
 */
import type { Schemas } from "@sc/client";
import { api, GATEWAY, must } from "@/api";
import { locale } from "@/i18n";
import { IS_MP } from "@/platform";
import { freshToken } from "@/session";

export type Listing = Schemas["ListingRead"];
export type ListingsPage = Schemas["Page_ListingRead_"];
export type ListingCreate = Schemas["ListingCreate"];
export type Label = Schemas["Label"];
export const LISTINGS_PAGE = 10;

/** A code's words the platform sends in both languages, in the chosen one. */
export function said(text: Label | null | undefined): string {
  if (!text) return "";
  return locale.value === "en" ? text.en || text["zh-CN"] : text["zh-CN"];
}

export async function listings(offset: number, mine: boolean): Promise<ListingsPage> {
  return must(
    await api.GET("/api/v1/commerce/listings", {
      params: { query: { limit: LISTINGS_PAGE, offset, mine, ...(mine ? {} : { status: "published" as const }) } },
    }),
  );
}

export async function postListing(body: ListingCreate): Promise<Listing> {
  return must(await api.POST("/api/v1/commerce/listings", { body }));
}

/** Uploads one chosen photo (H5: multipart with the typed client; the mini-program:
 * `uni.uploadFile`); its id goes in the listing's `photo_ids`. */
export async function uploadListingPhoto(file: { path: string; file?: File }): Promise<string> {
  if (!IS_MP && file.file) {
    const form = new FormData();
    form.append("file", file.file);
    const result = await api.POST("/api/v1/commerce/listing-photos", {
      body: form as unknown as { file: string },
      bodySerializer: (body: unknown) => body as FormData,
    });
    return must(result).id;
  }
  const token = await freshToken();
  return new Promise((resolve, reject) => {
    uni.uploadFile({
      url: `${GATEWAY}/api/v1/commerce/listing-photos`,
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

/** A listing's photo as an image source. */
export async function listingPhotoUrl(listingId: string, photoId: string): Promise<string> {
  const key = `${listingId}/${photoId}`;
  const known = photoUrls.get(key);
  if (known) return known;
  let url: string;
  if (!IS_MP) {
    const result = await api.GET("/api/v1/commerce/listings/{listing_id}/photos/{photo_id}", {
      params: { path: { listing_id: listingId, photo_id: photoId } },
      parseAs: "blob",
    });
    url = URL.createObjectURL(must(result) as unknown as Blob);
  } else {
    const token = await freshToken();
    url = await new Promise<string>((resolve, reject) => {
      uni.downloadFile({
        url: `${GATEWAY}/api/v1/commerce/listings/${listingId}/photos/${photoId}`,
        header: { Authorization: `Bearer ${token}` },
        success: (r) => (r.statusCode === 200 ? resolve(r.tempFilePath) : reject({ status: r.statusCode })),
        fail: (e) => reject(new TypeError(e.errMsg)),
      });
    });
  }
  photoUrls.set(key, url);
  return url;
}
