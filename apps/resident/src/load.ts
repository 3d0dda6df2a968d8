/**
 * A page's data, loaded with its state: `loading` (first load), `error` (what a person reads,
 * with a retry), `data`. A slow network shows the spinner, then either the data or the error
 * and the retry button; it never leaves a blank page.
 */
import { ref, type Ref } from "vue";
import { problemText } from "@/api";

export interface Loaded<T> {
  data: Ref<T | null>;
  loading: Ref<boolean>;
  error: Ref<string>;
  reload: () => Promise<void>;
}

export function useLoad<T>(fn: () => Promise<T>): Loaded<T> {
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref("");
  let seq = 0;
  async function reload() {
    const mine = ++seq;
    loading.value = true;
    error.value = "";
    try {
      const value = await fn();
      if (mine === seq) data.value = value;
    } catch (e) {
      if (mine === seq) error.value = problemText(e);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  return { data, loading, error, reload };
}

/** Runs an action (a button) with a toast on failure; true when it worked. */
export async function attempt(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    uni.showToast({ title: problemText(e), icon: "none", duration: 3000 });
    return false;
  }
}
