/**
 * Every page's navigation-bar title in the chosen language. pages.json holds the zh-CN ones
 * (what the mini-program shows before any code runs); a global mixin (`main.ts`) sets the
 * title from here each time a page shows, and the language switch sets it at once, so a page
 * opened in English mode is titled in English. A page not listed keeps its pages.json title.
 */
import { locale } from "@/i18n";

export const TITLES: Record<string, [zh: string, en: string]> = {
  "pages/home/index": ["智慧社区", "Smart Community"],
  "pages/services/index": ["服务", "Services"],
  "pages/messages/index": ["消息", "Messages"],
  "pages/me/index": ["我的", "Me"],
  "pages/login/index": ["登录", "Sign in"],
  "pages/repairs/new": ["报事报修", "Report a problem"],
  "pages/repairs/list": ["我的报修", "My reports"],
  "pages/repairs/detail": ["报修详情", "Report"],
  "pages/sos/index": ["紧急求助", "Emergency (SOS)"],
  "pages/doors/index": ["开门", "Open a door"],
  "pages/visitors/index": ["访客通行", "Visitor passes"],
  "pages/energy/index": ["水电气", "Utilities"],
  "pages/notices/index": ["社区公告", "Community notices"],
  "pages/notices/detail": ["公告详情", "Notice"],
  "pages/bills/index": ["物业缴费", "Fees"],
  "pages/bills/pay": ["缴费", "Pay"],
  "pages/pay/history": ["支付记录", "Payment history"],
  "pages/charging/index": ["充电", "EV charging"],
  "pages/listings/index": ["房屋租售", "Homes to rent or buy"],
  "pages/listings/new": ["发布房源", "List my home"],
  "pages/bookings/index": ["便民服务", "Local services"],
  "pages/activities/index": ["社区活动", "Community activities"],
  "pages/votes/index": ["投票表决", "Votes"],
  "pages/votes/detail": ["业主大会表决", "Owners' assembly vote"],
  "pages/votes/poll": ["民意征集", "Poll"],
  "pages/surveys/index": ["问卷调查", "Surveys"],
  "pages/surveys/answer": ["填写问卷", "Answer a survey"],
  "pages/family/index": ["家人关怀", "Family care"],
  "pages/childcare/index": ["托育接送", "Childcare drop-off and pick-up"],
  "pages/legal/index": ["法律服务", "Legal help"],
  "pages/hall/index": ["网上办事大厅", "Online service hall"],
  "pages/hall/apply": ["在线申请", "Apply"],
  "pages/hall/mine": ["我的办件", "My applications"],
  "pages/hall/detail": ["办件详情", "Application"],
};

/** The title of the page on top, in the chosen language. */
export function applyTitle() {
  const pages = getCurrentPages();
  const route = pages[pages.length - 1]?.route ?? "";
  const title = TITLES[route.replace(/^\//, "")];
  if (title) uni.setNavigationBarTitle({ title: title[locale.value === "en" ? 1 : 0], fail: () => undefined });
}
