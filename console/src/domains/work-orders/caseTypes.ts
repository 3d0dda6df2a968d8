/** Case types are data (work-orders' /api/v1/case-types, with their Chinese names). */
import { ref } from "vue";
import { useI18n } from "vue-i18n";
import type { Schemas } from "@sc/client";
import { api } from "@/api";

const types = ref<Schemas["CaseTypeRead"][]>([]);

export function useCaseTypes() {
  const { locale, t } = useI18n();
  async function load() {
    if (types.value.length) return;
    const { data } = await api.GET("/api/v1/case-types", { params: { query: { limit: 100, offset: 0 } } });
    types.value = data?.items ?? [];
  }
  function caseTypeName(code: string): string {
    const found = types.value.find((c) => c.code === code);
    if (!found) return t("common.other");
    return locale.value.startsWith("zh") ? found.name_zh : found.name;
  }
  return { types, load, caseTypeName };
}
