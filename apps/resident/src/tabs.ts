/** The tab bar's texts in the chosen language (pages.json holds the zh-CN ones). */
import { t } from "@/i18n";

export const TABS = ["tab.home", "tab.services", "tab.messages", "tab.me"];

export function applyTabTexts() {
  TABS.forEach((key, index) => {
    uni.setTabBarItem({ index, text: t(key), fail: () => undefined });
  });
}
