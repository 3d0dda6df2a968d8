/** The GB 11643-1999 citizen identity number (公民身份号码), checked in the browser the way
 * the services check it (sc_core.validators.parse_id_number), so a form says what is wrong
 * before it is sent. Returns the i18n key of the first fault, or null when the number is good. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";
// province-level codes of GB/T 2260 (and 83, Taiwan residents' residence permits)
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81,
  82, 83,
]);

export type IdNumberFault = "first_generation" | "length" | "format" | "division" | "birth_date" | "check_digit";

export function idNumberFault(value: string, today: Date = new Date()): IdNumberFault | null {
  const n = value.trim().toUpperCase();
  if (/^\d{15}$/.test(n)) return "first_generation";
  if (n.length !== 18 || !/^[\x00-\x7f]*$/.test(n)) return "length";
  if (!/^\d{17}$/.test(n.slice(0, 17))) return "format";
  if (!PROVINCES.has(Number(n.slice(0, 2)))) return "division";
  const [y, m, d] = [Number(n.slice(6, 10)), Number(n.slice(10, 12)), Number(n.slice(12, 14))];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return "birth_date";
  if (y < 1850 || born.getTime() > today.getTime()) return "birth_date";
  const total = WEIGHTS.reduce((sum, w, i) => sum + w * Number(n[i]), 0);
  return n[17] === CHECK[total % 11] ? null : "check_digit";
}

/** The words of each fault, zh-CN and en (the services' own sentences). */
export const ID_NUMBER_MESSAGES: Record<string, [zh: string, en: string]> = {
  "problem.id_number.first_generation": ["15位一代身份证号码已停止使用，请填写18位号码", "15-digit first-generation numbers are no longer valid; give the 18-digit number"],
  "problem.id_number.length": ["身份证号码应为18位", "An ID number has 18 characters"],
  "problem.id_number.format": ["身份证号码前17位应为数字", "The first 17 characters must be digits"],
  "problem.id_number.division": ["身份证号码的地区码不存在", "The ID number's region code is unknown"],
  "problem.id_number.birth_date": ["身份证号码中的出生日期不存在或不合理", "The birth date in the ID number does not exist or is not plausible"],
  "problem.id_number.check_digit": ["身份证号码校验位不正确，请核对", "The ID number's check character is wrong; please check it"],
};
