/** The evaluation service's enum labels (zh-CN, en, tag colour), taken into the console's
 * one dictionary (../../i18n/enums.ts). */
type Entry = [zh: string, en: string, tag?: "primary" | "success" | "info" | "warning" | "danger"];

export const EVALUATION_ENUMS: Record<string, Record<string, Entry>> = {
  questionKind: {
    single_choice: ["单选题", "Single choice"],
    multiple_choice: ["多选题", "Multiple choice"],
    likert5: ["五级量表（同意程度）", "Likert 1–5 (agreement)"],
    nps: ["推荐意愿（0–10）", "NPS (0–10)"],
    open_text: ["开放题", "Open text"],
  },
  conditionOp: {
    equals: ["等于", "equals"],
    not_equals: ["不等于", "does not equal"],
    in: ["是其中之一", "is one of"],
    not_in: ["不是其中任何一个", "is none of"],
    gte: ["不低于", "at least"],
    lte: ["不高于", "at most"],
    answered: ["已作答", "is answered"],
    includes: ["选中了", "includes"],
  },
  questionnaire: {
    security: ["社区居民安全感调查", "Residents' sense of security"],
    gain: ["社区居民获得感调查", "Residents' sense of gain"],
    happiness: ["社区居民幸福感调查（MUNSH）", "Residents' happiness (MUNSH)"],
  },
  kpiGranularity: {
    day: ["日", "Day"],
    month: ["月", "Month"],
    quarter: ["季度", "Quarter"],
    year: ["年", "Year"],
  },
  kpiScope: {
    community: ["全社区", "Whole community"],
    building: ["楼栋", "Building"],
    grid: ["网格", "Grid"],
  },
  leafKind: {
    survey: ["问卷维度", "Survey dimension", "primary"],
    kpi: ["服务指标", "Service KPI", "success"],
  },
  leafStatus: {
    ok: ["已计入", "Counted", "success"],
    no_data: ["无数据", "No data", "info"],
    insufficient: ["样本不足", "Too few", "warning"],
    unavailable: ["暂无来源", "No source yet", "info"],
  },
};
