import { ref, type Ref } from "vue";
import { problemText } from "@/api";

/** One paged list of an organisation's members, meetings or opinions: its rows, the page,
 * loading and the failure in words (the lists ListPage cannot take, having a path id). */
export function usePaged<T>(fetch: (limit: number, offset: number) => Promise<{ items: T[]; total: number }>) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const size = ref(20);
  const loading = ref(false);
  const failure = ref("");

  async function load() {
    loading.value = true;
    failure.value = "";
    try {
      const found = await fetch(size.value, (page.value - 1) * size.value);
      rows.value = found.items;
      total.value = found.total;
    } catch (e) {
      failure.value = problemText(e);
      rows.value = [];
      total.value = 0;
    } finally {
      loading.value = false;
    }
  }

  return { rows, total, page, size, loading, failure, load };
}
