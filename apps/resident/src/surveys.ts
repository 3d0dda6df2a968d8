/**
 * Surveys (evaluation `/api/v1/evaluation/surveys`): the open ones addressed to the
 * resident's home, answered once, with the survey's skip logic (a section or question is
 * shown only when its `show_if` conditions hold on the answers given so far; the service
 * refuses an answer to a hidden question, so the app never sends one).
 */
import { ref } from "vue";
import { me } from "@/session";

export interface Text {
  zh: string;
  en: string;
}
export interface Condition {
  question: string;
  op: "equals" | "not_equals" | "in" | "not_in" | "gte" | "lte" | "answered" | "includes";
  value?: string | number | string[] | null;
}
export interface Question {
  id: string;
  kind: "single_choice" | "multiple_choice" | "likert5" | "nps" | "open_text";
  text: Text;
  required?: boolean;
  options?: { code: string; label: Text }[];
  min_choices?: number;
  max_choices?: number | null;
  max_length?: number;
  show_if?: Condition[];
}
export interface Section {
  id: string;
  title: Text;
  questions: Question[];
  show_if?: Condition[];
}
export interface Definition {
  title: Text;
  intro?: Text | null;
  sections: Section[];
}
export type Answer = string | number | string[];

function present(value: Answer | undefined): value is Answer {
  return value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0);
}

function same(value: Answer, expected: unknown): boolean {
  if (typeof value === "number" && typeof expected === "number") return value === expected;
  return String(value) === String(expected);
}

function holdsOne(c: Condition, value: Answer | undefined): boolean {
  if (c.op === "answered") return value !== undefined;
  if (value === undefined) return false;
  switch (c.op) {
    case "equals":
      return same(value, c.value);
    case "not_equals":
      return !same(value, c.value);
    case "in":
      return Array.isArray(c.value) && c.value.includes(String(value));
    case "not_in":
      return Array.isArray(c.value) && !c.value.includes(String(value));
    case "includes":
      return Array.isArray(value) && value.includes(String(c.value));
    case "gte":
    case "lte":
      if (typeof value !== "number" || typeof c.value !== "number") return false;
      return c.op === "gte" ? value >= c.value : value <= c.value;
  }
  return false;
}

/** The same rule as the service's (`domain/surveys/answers.py`): every condition holds on
 * the answers kept so far, in order; an unanswered question fails. */
export function holds(conditions: Condition[] | undefined, kept: Record<string, Answer>): boolean {
  return (conditions ?? []).every((c) => holdsOne(c, kept[c.question]));
}

/** The sections and questions shown for the answers given, and the answers to send
 * (visible and answered only). */
export function visible(definition: Definition, answers: Record<string, Answer>) {
  const kept: Record<string, Answer> = {};
  const sections: { section: Section; questions: Question[] }[] = [];
  for (const section of definition.sections) {
    const sectionShown = holds(section.show_if, kept);
    const shown: Question[] = [];
    for (const q of section.questions) {
      if (!(sectionShown && holds(q.show_if, kept))) continue;
      shown.push(q);
      const given = answers[q.id];
      if (present(given)) kept[q.id] = typeof given === "string" && q.kind === "open_text" ? given.trim() : given;
    }
    if (shown.length) sections.push({ section, questions: shown });
  }
  return { sections, kept };
}

/** The first shown question that needs an answer and has none. */
export function firstMissing(definition: Definition, answers: Record<string, Answer>): Question | null {
  const { sections, kept } = visible(definition, answers);
  for (const { questions } of sections) {
    for (const q of questions) {
      if (q.required !== false && !present(kept[q.id])) return q;
    }
  }
  return null;
}

// which surveys the resident has answered, per account on the device: answered here, or
// as the service says (`GET /api/v1/evaluation/surveys/{id}/answered`, asked by the list
// for the ones this device does not know); answering twice is refused by the service anyway
const KEY = "sc-app-surveys-answered:";
const answered = ref<string[]>([]);
let owner: string | null = null;

function sync() {
  const id = me.value?.id ?? "";
  if (id === owner) return;
  owner = id;
  const kept = id ? uni.getStorageSync(KEY + id) : null;
  answered.value = Array.isArray(kept) ? (kept as string[]) : [];
}

export function isAnswered(id: string): boolean {
  sync();
  return answered.value.includes(id);
}

export function markAnswered(id: string) {
  sync();
  if (!owner || answered.value.includes(id)) return;
  answered.value = [...answered.value, id].slice(-200);
  uni.setStorageSync(KEY + owner, answered.value);
}
