/** Export of a list's current filter as CSV (UTF-8 with BOM, opens in Excel) or XLSX, with
 * the same labels the table shows (enum labels, place names, local times). */
export type Cell = string | number;

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function csvCell(v: Cell): string {
  const s = String(v ?? "");
  // a leading =, +, - or @ would be a formula in Excel: keep it text
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function exportRows(header: string[], rows: Cell[][], name: string, format: "csv" | "xlsx") {
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === "csv") {
    const text = [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n");
    download(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }), `${name}-${stamp}.csv`);
    return;
  }
  const XLSX = await import("xlsx");
  const sheet = XLSX.utils.aoa_to_sheet([header, ...rows]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, name.slice(0, 31));
  const data = XLSX.write(book, { type: "array", bookType: "xlsx" });
  download(
    new Blob([data], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
    `${name}-${stamp}.xlsx`,
  );
}
