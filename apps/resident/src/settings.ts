/**
 * Accessibility for the elderly: large text and high contrast, chosen on "Me" (or from the
 * home page's first row) and kept on the device. Every page is wrapped in `AppShell`, which
 * turns them into a class (the app's own text) and wot-design-uni theme variables (the
 * components' text and colours).
 */
import { computed, ref } from "vue";

const KEY = "sc-app-a11y";
interface A11y {
  large: boolean;
  contrast: boolean;
}

function initial(): A11y {
  const kept = uni.getStorageSync(KEY);
  return kept && typeof kept === "object" ? { large: false, contrast: false, ...kept } : { large: false, contrast: false };
}

export const a11y = ref<A11y>(initial());

export function setA11y(change: Partial<A11y>) {
  a11y.value = { ...a11y.value, ...change };
  uni.setStorageSync(KEY, a11y.value);
}

const LARGE: Record<string, string> = {
  buttonMediumFs: "20px",
  buttonLargeFs: "24px",
  cellTitleFs: "21px",
  cellLabelFs: "18px",
  cellValueFs: "20px",
  inputFs: "21px",
  textareaFs: "21px",
  tagFs: "17px",
  gridItemFs: "19px",
  statustipFs: "19px",
  toastFs: "20px",
  messageBoxTitleFs: "22px",
  messageBoxContentFs: "20px",
  cardFs: "19px",
  cardTitleFs: "21px",
  stepsTitleFs: "19px",
  stepsLabelFs: "17px",
  tabsNavFs: "19px",
};

const CONTRAST: Record<string, string> = {
  colorTheme: "#0033a0",
  colorTitle: "#000000",
  colorContent: "#000000",
  colorSecondary: "#1a1a1a",
  colorAid: "#1a1a1a",
  colorBg: "#ffffff",
};

export const themeVars = computed(() => ({
  ...(a11y.value.large ? LARGE : {}),
  ...(a11y.value.contrast ? CONTRAST : {}),
}));

export const shellClass = computed(
  () => `shell${a11y.value.large ? " a11y-large" : ""}${a11y.value.contrast ? " a11y-contrast" : ""}`,
);
