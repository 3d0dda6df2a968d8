/** Account display names by id (admins read accounts), cached: no page shows an account id. */
import { api } from "@/api";

const cache = new Map<string, Promise<string>>();

export function accountName(id: string): Promise<string> {
  let p = cache.get(id);
  if (!p) {
    p = api
      .GET("/api/v1/accounts/{account_id}", { params: { path: { account_id: id } } })
      .then(({ data }) => data?.display_name || data?.username || "")
      .catch(() => "");
    cache.set(id, p);
  }
  return p;
}
