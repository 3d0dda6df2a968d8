/** Form rules from the API's own request schemas (clients/typescript/src/rules.json, made by
 * `make contracts` from the merged OpenAPI): a form refuses what the API would refuse. */
import type { FormItemRule } from "element-plus";
import rulesJson from "@sc/client/rules.json";
import { i18n } from "@/i18n";

interface Constraint {
  required: boolean;
  nullable: boolean;
  type?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  maxItems?: number;
}

const RULES = rulesJson as unknown as Record<string, Record<string, Constraint>>;

export function constraintsOf(schema: string): Record<string, Constraint> {
  return RULES[schema] ?? {};
}

function empty(v: unknown) {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

export function formRules(schema: string, fields: string[]): Record<string, FormItemRule[]> {
  const t = i18n.global.t;
  const out: Record<string, FormItemRule[]> = {};
  for (const [name, c] of Object.entries(constraintsOf(schema))) {
    if (!fields.includes(name)) continue;
    const rules: FormItemRule[] = [];
    if (c.required) rules.push({ required: true, message: t("form.required"), trigger: ["blur", "change"] });
    let pattern: RegExp | null = null;
    if (c.pattern) {
      try {
        pattern = new RegExp(c.pattern, "u");
      } catch {
        pattern = null;
      }
    }
    rules.push({
      trigger: ["blur", "change"],
      validator: (_rule, value, callback) => {
        if (empty(value)) return callback();
        if (typeof value === "string") {
          if (c.maxLength !== undefined && [...value].length > c.maxLength)
            return callback(new Error(t("form.maxLength", { n: c.maxLength })));
          if (c.minLength !== undefined && [...value].length < c.minLength)
            return callback(new Error(t("form.minLength", { n: c.minLength })));
          if (pattern && !pattern.test(value)) return callback(new Error(t("form.pattern")));
        }
        if (typeof value === "number") {
          if (c.minimum !== undefined && value < c.minimum) return callback(new Error(t("form.min", { n: c.minimum })));
          if (c.maximum !== undefined && value > c.maximum) return callback(new Error(t("form.max", { n: c.maximum })));
        }
        if (Array.isArray(value) && c.maxItems !== undefined && value.length > c.maxItems)
          return callback(new Error(t("form.maxItems", { n: c.maxItems })));
        callback();
      },
    });
    out[name] = rules;
  }
  return out;
}
