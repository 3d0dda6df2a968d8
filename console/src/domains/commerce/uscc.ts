/** The unified social credit code (统一社会信用代码) checked the way GB 32100 and the
 * services (sc_core.validators.parse_uscc) check it, so the form says what is wrong before
 * anything is sent. Returns the i18n key of the problem, or null when the code is valid. */
const CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"; // 31 characters: no I, O, Z, S, V
const WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
// registration authority -> the organisation types it registers
const AUTHORITIES: Record<string, string> = {
  "1": "129",
  "2": "19",
  "3": "123459",
  "4": "19",
  "5": "1239",
  "6": "129",
  "7": "129",
  "8": "19",
  "9": "123",
  A: "19",
  N: "1239",
  Y: "1",
};

export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let total = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARS.indexOf(first17[i]);
    if (v < 0) return null;
    total += v * WEIGHTS[i];
  }
  return CHARS[(31 - (total % 31)) % 31];
}

export function usccProblem(value: string): string | null {
  const code = value.trim().toUpperCase();
  if (code.length !== 18) return "commerce.usccLength";
  if ([...code].some((c) => !CHARS.includes(c))) return "commerce.usccFormat";
  const types = AUTHORITIES[code[0]];
  if (!types || !types.includes(code[1])) return "commerce.usccAuthority";
  if (!/^\d{6}$/.test(code.slice(2, 8))) return "commerce.usccDivision";
  if (code[17] !== usccCheckChar(code.slice(0, 17))) return "commerce.usccCheck";
  return null;
}
