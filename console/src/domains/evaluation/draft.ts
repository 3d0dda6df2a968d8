/** A survey as the designer edits it, and the definition the evaluation service takes
 * (`POST /api/v1/evaluation/surveys`, `definition`). Ids and option codes are made here
 * and never shown: people read the texts. */
export type QuestionKind = "single_choice" | "multiple_choice" | "likert5" | "nps" | "open_text";
export interface Bi {
  zh: string;
  en: string;
}
export interface DraftOption {
  code: string;
  label: Bi;
}
export interface DraftCondition {
  question: string;
  op: string;
  value: string | number | string[] | null;
}
export interface DraftQuestion {
  id: string;
  kind: QuestionKind;
  text: Bi;
  required: boolean;
  options: DraftOption[];
  min_choices: number;
  max_choices: number | null;
  max_length: number;
  show_if: DraftCondition[];
}
export interface DraftSection {
  key: string;
  title: Bi;
  questions: DraftQuestion[];
}

let seq = 0;
const next = (prefix: string) => `${prefix}${++seq}`;

export const CHOICE: QuestionKind[] = ["single_choice", "multiple_choice"];
export const SCALE: QuestionKind[] = ["likert5", "nps"];

/** The relations a condition may use on a question of each kind (the service's rules). */
export const OPS: Record<QuestionKind, string[]> = {
  single_choice: ["equals", "not_equals", "in", "not_in", "answered"],
  multiple_choice: ["includes", "answered"],
  likert5: ["equals", "not_equals", "gte", "lte", "answered"],
  nps: ["equals", "not_equals", "gte", "lte", "answered"],
  open_text: ["answered"],
};

export function newOption(): DraftOption {
  return { code: next("o"), label: { zh: "", en: "" } };
}

export function newQuestion(kind: QuestionKind = "single_choice"): DraftQuestion {
  return {
    id: next("q"),
    kind,
    text: { zh: "", en: "" },
    required: true,
    options: [newOption(), newOption()],
    min_choices: 1,
    max_choices: null,
    max_length: 500,
    show_if: [],
  };
}

export function newSection(): DraftSection {
  return { key: next("s"), title: { zh: "", en: "" }, questions: [newQuestion()] };
}

const filled = (b: Bi) => b.zh.trim() !== "" && b.en.trim() !== "";

export function isComplete(title: Bi, sections: DraftSection[]): boolean {
  return (
    filled(title) &&
    sections.every(
      (s) =>
        filled(s.title) &&
        s.questions.length > 0 &&
        s.questions.every(
          (q) => filled(q.text) && (!CHOICE.includes(q.kind) || (q.options.length >= 2 && q.options.every((o) => filled(o.label)))),
        ),
    )
  );
}

function condition(c: DraftCondition, on: DraftQuestion | undefined): DraftCondition {
  if (c.op === "answered") return { question: c.question, op: c.op, value: null };
  if (on && SCALE.includes(on.kind)) return { ...c, value: Number(c.value) };
  return { ...c };
}

function question(q: DraftQuestion, all: DraftQuestion[]) {
  const choice = CHOICE.includes(q.kind);
  return {
    id: q.id,
    kind: q.kind,
    text: { zh: q.text.zh.trim(), en: q.text.en.trim() },
    required: q.required,
    ...(choice ? { options: q.options.map((o) => ({ code: o.code, label: { zh: o.label.zh.trim(), en: o.label.en.trim() } })) } : {}),
    ...(q.kind === "multiple_choice" ? { min_choices: q.min_choices, max_choices: q.max_choices } : {}),
    ...(q.kind === "open_text" ? { max_length: q.max_length } : {}),
    show_if: q.show_if.filter((c) => c.question && c.op).map((c) => condition(c, all.find((x) => x.id === c.question))),
  };
}

export function definitionOf(
  title: Bi,
  intro: Bi,
  sections: DraftSection[],
  how: { unit: string; anonymous: boolean; reminders: number[] },
): Record<string, unknown> {
  const all = sections.flatMap((s) => s.questions);
  return {
    code: `console-${Date.now()}`,
    title: { zh: title.zh.trim(), en: title.en.trim() },
    ...(filled(intro) ? { intro: { zh: intro.zh.trim(), en: intro.en.trim() } } : {}),
    sections: sections.map((s, i) => ({
      id: `s${i + 1}`,
      title: { zh: s.title.zh.trim(), en: s.title.en.trim() },
      questions: s.questions.map((q) => question(q, all)),
    })),
    unit: how.unit,
    anonymous: how.anonymous,
    reminder_days_before_close: [...how.reminders].sort((a, b) => b - a),
  };
}
