/**
 * What one page of a list says about the whole list (sc_core.paging's `Page`). The API
 * counts at most 1,000 rows (ADR 0017's addendum): past that `total` is 1,000 and
 * `total_exact` is false, so the console says "共 1,000+ 条" / "1,000+ items" rather than a
 * wrong number, and its pager goes on while `next_offset` says another page follows.
 */
export interface ListCount {
  /** The count to show: exact, or where the API stopped counting. */
  total: number;
  exact: boolean;
  /** The total to give el-pagination: past an inexact count, up to one page beyond this one. */
  pager: number;
}

/** The paging fields of any list answer (`Page[XRead]`); a plain array has none of them. */
export interface PageFields {
  items?: unknown[];
  total?: number;
  total_exact?: boolean;
  next_offset?: number | null;
}

export const NO_COUNT: ListCount = { total: 0, exact: true, pager: 0 };

/** The count of the list a page at `offset` (pages of `size`) belongs to. */
export function listCount(page: PageFields, offset: number, size: number): ListCount {
  const shown = page.items?.length ?? 0;
  const total = page.total ?? shown;
  if (page.total_exact !== false) return { total, exact: true, pager: total };
  if (page.next_offset === null || page.next_offset === undefined) {
    // the last page of a long list: its end is known, so is the count
    return shown ? { total: offset + shown, exact: true, pager: offset + shown } : { total, exact: false, pager: offset };
  }
  return { total, exact: false, pager: Math.max(total, page.next_offset + size) };
}
