/**
 * A service's application form from its JSON Schema (the subset gov-affairs allows,
 * `domain/forms.py`): each property a field with its title in the chosen language (`title`
 * zh-CN, `x-title-en`), strings with maxLength / pattern / enum (`x-enum-titles`) / date,
 * numbers with their bounds, yes-or-no, several choices, one level of groups. The checks
 * here only spare a round trip: the service checks the same schema and its refusal, in its
 * words, is the final say.
 */
import { locale, t } from "@/i18n";

type Words = { zh: string; en: string };
export interface SchemaNode {
  type?: string;
  title?: string;
  "x-title-en"?: string;
  description?: string;
  "x-description-en"?: string;
  enum?: (string | number)[];
  "x-enum-titles"?: Words[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  default?: unknown;
  minItems?: number;
  maxItems?: number;
  "x-widget"?: string;
  "x-kind"?: string;
}

export type FieldKind = "text" | "textarea" | "choice" | "choices" | "date" | "number" | "integer" | "yesno";

export interface FormField {
  path: string; // dotted: "name", "address.street"
  kind: FieldKind;
  node: SchemaNode;
  required: boolean;
  group: string; // the group's title, "" at the top
}

const MAX_TEXT = 500; // a string without maxLength is still bounded here (the service bounds it too)

function title(node: SchemaNode): string {
  return (locale.value === "en" ? node["x-title-en"] : node.title) || node.title || "";
}

export function fieldTitle(f: FormField): string {
  return title(f.node);
}

export function fieldHint(f: FormField): string {
  const n = f.node;
  return (locale.value === "en" ? n["x-description-en"] : n.description) || n.description || "";
}

/** The choices of an enum field as the person reads them (never the stored value). */
export function choices(node: SchemaNode): { value: string | number; label: string }[] {
  const titles = node["x-enum-titles"] ?? [];
  return (node.enum ?? []).map((value, i) => {
    const w = titles[i];
    return { value, label: w ? (locale.value === "en" ? w.en || w.zh : w.zh) : t("hall.choice", { n: i + 1 }) };
  });
}

function kindOf(node: SchemaNode): FieldKind {
  switch (node.type) {
    case "boolean":
      return "yesno";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "array":
      return "choices";
  }
  if (node.enum) return "choice";
  if (node.format === "date") return "date";
  return node["x-widget"] === "textarea" ? "textarea" : "text";
}

export function fieldsOf(schema: SchemaNode): FormField[] {
  const out: FormField[] = [];
  const walk = (node: SchemaNode, prefix: string, group: string) => {
    const required = new Set(node.required ?? []);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child.type === "object") walk(child, path, title(child));
      else out.push({ path, kind: kindOf(child), node: child, required: required.has(name), group });
    }
  };
  walk(schema, "", "");
  return out;
}

export function maxLength(f: FormField): number {
  return f.node.maxLength ?? (f.kind === "textarea" ? 2000 : MAX_TEXT);
}

/** The starting values: each field's default, else empty. */
export function initialValues(fields: FormField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.path] = f.node.default ?? (f.kind === "choices" ? [] : f.kind === "yesno" ? null : "");
  return out;
}

function blank(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

/** What is wrong with one field's value, in words ("" when it fits). */
export function fieldError(f: FormField, v: unknown): string {
  const name = fieldTitle(f);
  if (blank(v)) return f.required ? t("hall.form.required", { name }) : "";
  const n = f.node;
  if (f.kind === "number" || f.kind === "integer") {
    const x = Number(v);
    if (!Number.isFinite(x) || (f.kind === "integer" && !Number.isInteger(x))) return t("hall.form.number", { name });
    if (n.minimum !== undefined && x < n.minimum) return t("hall.form.min", { name, n: n.minimum });
    if (n.maximum !== undefined && x > n.maximum) return t("hall.form.max", { name, n: n.maximum });
    return "";
  }
  if (f.kind === "choices") {
    const list = v as unknown[];
    if (n.maxItems !== undefined && list.length > n.maxItems) return t("hall.form.tooMany", { name, n: n.maxItems });
    return "";
  }
  if (typeof v !== "string") return "";
  const s = v.trim();
  if (n.minLength !== undefined && s.length < n.minLength) return t("hall.form.tooShort", { name, n: n.minLength });
  if (s.length > maxLength(f)) return t("hall.form.tooLong", { name, n: maxLength(f) });
  if (n.pattern && !new RegExp(n.pattern).test(s)) return t("hall.form.pattern", { name });
  if (n["x-kind"] === "phone" && !/^1[3-9]\d{9}$/.test(s)) return t("hall.form.phone", { name });
  if (n["x-kind"] === "id_number" && !/^\d{17}[\dXx]$/.test(s)) return t("hall.form.idNumber", { name });
  if (f.kind === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(s)) return t("hall.form.date", { name });
  return "";
}

/** Every field's problem, by path. */
export function formErrors(fields: FormField[], values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const e = fieldError(f, values[f.path]);
    if (e) out[f.path] = e;
  }
  return out;
}

/** The values as the service takes them: nested by group, numbers as numbers, blanks left out. */
export function formData(fields: FormField[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let v = values[f.path];
    if (blank(v)) continue;
    if (f.kind === "number" || f.kind === "integer") v = Number(v);
    else if (typeof v === "string") v = v.trim();
    const parts = f.path.split(".");
    let at = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]] = v;
  }
  return out;
}

/** An answer as a person reads it (a choice's words, 是/否), for the application's page. */
export function answerText(f: FormField, v: unknown): string {
  if (blank(v)) return "—";
  if (f.kind === "yesno") return v ? t("hall.yes") : t("hall.no");
  if (f.kind === "choice") return choices(f.node).find((c) => c.value === v)?.label ?? "—";
  if (f.kind === "choices") {
    const all = choices(f.node.items ?? {});
    return (v as unknown[]).map((x) => all.find((c) => c.value === x)?.label ?? "—").join("、");
  }
  return String(v);
}

/** The value at a dotted path of the application's data. */
export function valueAt(data: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((at, p) => (at && typeof at === "object" ? (at as Record<string, unknown>)[p] : undefined), data);
}
