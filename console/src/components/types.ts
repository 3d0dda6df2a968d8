import type { paths } from "@sc/client";
import type { PlaceKind } from "@/stores/places";

type WithGet = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type WithPost = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];
export type GetPath = Extract<WithGet, string>;
export type PostPath = Extract<WithPost, string>;

export interface Column {
  key: string;
  label: string; // i18n key
  kind?: "text" | "enum" | "place" | "time" | "date" | "bool" | "number" | "list" | "masked" | "account" | "money" | "localized" | "outline";
  dict?: string; // enum dictionary
  place?: PlaceKind;
  placeKindKey?: string; // the place kind is in this field of the row (a grant's scope_type)
  width?: number;
}

export interface Filter {
  key: string;
  label: string;
  kind: "text" | "enum" | "bool" | "date" | "datetime" | "community" | "number";
  dict?: string;
  required?: boolean; // community: the first of the caller's communities until another is picked (the API needs one)
}

export interface Field {
  key: string;
  label: string;
  kind: "text" | "textarea" | "number" | "enum" | "bool" | "date" | "datetime" | "community" | "place" | "list" | "enums" | "select" | "buildings";
  dict?: string;
  options?: { value: string; label: string }[]; // kind "select"
  default?: unknown;
  placeDepth?: number;
}

export interface CreateConfig {
  path: PostPath;
  schema: string; // request schema name in rules.json (the API's own constraints)
  fields: Field[];
  roles: string[];
  title?: string;
}

export interface ListConfig {
  path: GetPath;
  title: string;
  columns: Column[];
  filters?: Filter[];
  fixedQuery?: Record<string, unknown>;
  create?: CreateConfig;
  exportName: string;
  map?: (row: Record<string, any>) => Record<string, any>; // a row as the table and the export show it
}
