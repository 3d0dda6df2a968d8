/**
 * The six kinds of vital signs as a person reads them: components, units and decimals (the
 * care service keeps values in these units; see services/care/src/care/domain/vitals.py),
 * readings in words ("血压 165/95 mmHg"), the doctor's range read from the person's FHIR
 * export, and whether a reading is outside it. No LOINC code or enum value is ever shown.
 */
export type VitalKind = "blood_pressure" | "heart_rate" | "glucose" | "spo2" | "temperature" | "weight";

export interface Component {
  key: string; // systolic, diastolic or value
  zh: string;
  en: string;
  loinc: string; // only to find the component in a FHIR Observation
}

export interface KindSpec {
  kind: VitalKind;
  loinc: string;
  unitZh: string;
  unitEn: string;
  decimals: number;
  components: Component[];
}

const one = (zh: string, en: string, loinc: string): Component[] => [{ key: "value", zh, en, loinc }];

export const KINDS: KindSpec[] = [
  {
    kind: "blood_pressure",
    loinc: "85354-9",
    unitZh: "mmHg",
    unitEn: "mmHg",
    decimals: 0,
    components: [
      { key: "systolic", zh: "收缩压", en: "Systolic", loinc: "8480-6" },
      { key: "diastolic", zh: "舒张压", en: "Diastolic", loinc: "8462-4" },
    ],
  },
  { kind: "heart_rate", loinc: "8867-4", unitZh: "次/分", unitEn: "bpm", decimals: 0, components: one("心率", "Heart rate", "8867-4") },
  { kind: "glucose", loinc: "15074-8", unitZh: "mmol/L", unitEn: "mmol/L", decimals: 1, components: one("血糖", "Blood glucose", "15074-8") },
  { kind: "spo2", loinc: "59408-5", unitZh: "%", unitEn: "%", decimals: 0, components: one("血氧", "SpO2", "59408-5") },
  { kind: "temperature", loinc: "8310-5", unitZh: "℃", unitEn: "°C", decimals: 1, components: one("体温", "Temperature", "8310-5") },
  { kind: "weight", loinc: "29463-7", unitZh: "kg", unitEn: "kg", decimals: 1, components: one("体重", "Weight", "29463-7") },
];

export function spec(kind: string): KindSpec | undefined {
  return KINDS.find((k) => k.kind === kind);
}

const zh = (locale: string) => locale.startsWith("zh");

export function unitOf(kind: string, locale: string): string {
  const s = spec(kind);
  return s ? (zh(locale) ? s.unitZh : s.unitEn) : "";
}

export function componentName(c: Component, locale: string): string {
  return zh(locale) ? c.zh : c.en;
}

function fmt(v: number | null | undefined, decimals: number): string {
  return v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(decimals);
}

/** A reading's values in words with the unit: "165/95 mmHg", "36.8 ℃". */
export function valueText(kind: string, values: Record<string, number>, locale: string): string {
  const s = spec(kind);
  if (!s) return "—";
  const parts = s.components.map((c) => fmt(values[c.key], s.decimals));
  return `${parts.join("/")} ${unitOf(kind, locale)}`;
}

/** [low, high] per component (null: an open end). */
export type Ranges = Record<string, [number | null, number | null]>;

/** The range in words: "90–140/60–90 mmHg", "≥ 93 %". */
export function rangeText(kind: string, ranges: Ranges | undefined, locale: string): string {
  const s = spec(kind);
  if (!s || !ranges) return "";
  const parts = s.components.map((c) => {
    const [lo, hi] = ranges[c.key] ?? [null, null];
    if (lo !== null && hi !== null) return `${fmt(lo, s.decimals)}–${fmt(hi, s.decimals)}`;
    if (lo !== null) return `≥ ${fmt(lo, s.decimals)}`;
    if (hi !== null) return `≤ ${fmt(hi, s.decimals)}`;
    return "—";
  });
  return `${parts.join("/")} ${unitOf(kind, locale)}`;
}

/** "high", "low" or null: a reading against the person's range (any component outside). */
export function breachOf(kind: string, values: Record<string, number>, ranges: Ranges | undefined): "high" | "low" | null {
  const s = spec(kind);
  if (!s || !ranges) return null;
  for (const c of s.components) {
    const v = values[c.key];
    const [lo, hi] = ranges[c.key] ?? [null, null];
    if (v === undefined) continue;
    if (hi !== null && v > hi) return "high";
    if (lo !== null && v < lo) return "low";
  }
  return null;
}

type Quantity = { value?: number };
type RangeBody = { low?: Quantity; high?: Quantity };
type Coding = { system?: string; code?: string };
type Observation = {
  resourceType?: string;
  code?: { coding?: Coding[] };
  referenceRange?: RangeBody[];
  component?: { code?: { coding?: Coding[] }; referenceRange?: RangeBody[] }[];
};

function codeOf(cc: { coding?: Coding[] } | undefined): string | undefined {
  return cc?.coding?.find((c) => c.system === "http://loinc.org")?.code;
}

function pair(r: RangeBody[] | undefined): [number | null, number | null] | undefined {
  const body = r?.[0];
  if (!body) return undefined;
  return [body.low?.value ?? null, body.high?.value ?? null];
}

/** The doctor's range per kind, as the person's FHIR export carries it on each Observation
 * (the care service has no other read of a person's ranges yet). */
export function rangesFromBundle(bundle: unknown): Partial<Record<VitalKind, Ranges>> {
  const out: Partial<Record<VitalKind, Ranges>> = {};
  const entries = ((bundle as { entry?: { resource?: Observation }[] })?.entry ?? []).map((e) => e.resource ?? {});
  for (const r of entries) {
    if (r.resourceType !== "Observation") continue;
    const s = KINDS.find((k) => k.loinc === codeOf(r.code));
    if (!s || out[s.kind]) continue;
    const ranges: Ranges = {};
    if (s.kind === "blood_pressure") {
      for (const c of s.components) {
        const found = pair(r.component?.find((x) => codeOf(x.code) === c.loinc)?.referenceRange);
        if (found) ranges[c.key] = found;
      }
    } else {
      const found = pair(r.referenceRange);
      if (found) ranges.value = found;
    }
    if (Object.keys(ranges).length) out[s.kind] = ranges;
  }
  return out;
}

export interface Grant {
  grantee: string;
  period: { start?: string; end?: string };
  categories: string[];
  active: boolean;
}

/** The consent grants in the person's FHIR export (the service puts them there for the
 * person and their guardian only): who may see what, until when, in the export's words. */
export function grantsFromBundle(bundle: unknown): Grant[] {
  const entries = ((bundle as { entry?: { resource?: any }[] })?.entry ?? []).map((e) => e.resource ?? {});
  return entries
    .filter((r) => r.resourceType === "Consent")
    .map((r) => ({
      grantee: String(r.grantee?.[0]?.display ?? ""),
      period: r.period ?? {},
      categories: (r.provision?.[0]?.code ?? []).map((c: { text?: string }) => String(c.text ?? "")),
      active: r.status === "active",
    }));
}
