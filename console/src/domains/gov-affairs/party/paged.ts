import { ref, type Ref } from "vue";
import { problemText } from "@/api";
import { listCount, NO_COUNT, type ListCount, type PageFields } from "@/components/listCount";

/** One paged list of an organisation's members, meetings or opinions: its rows, the page,
 * its count for ListPager ("1,000+" past the API's count), loading and the failure in words
 * (the lists ListPage cannot take, having a path id). */
export function usePaged<T>(fetch: (limit: number, offset: number) => Promise<PageFields & { items: T[] }>) {
  const rows = ref([]) as Ref<T[]>;
  const count = ref<ListCount>(NO_COUNT);
  const page = ref(1);
  const size = ref(20);
  const loading = ref(false);
  const failure = ref("");

  async function load() {
    loading.value = true;
    failure.value = "";
    try {
      const offset = (page.value - 1) * size.value;
      const found = await fetch(size.value, offset);
      rows.value = found.items;
      count.value = listCount(found, offset, size.value);
    } catch (e) {
      failure.value = problemText(e);
      rows.value = [];
      count.value = NO_COUNT;
    } finally {
      loading.value = false;
    }
  }

  return { rows, count, page, size, loading, failure, load };
}
