/**
 * A `fetch` for WeChat mini-programs, over `wx.request` (mini-programs have no fetch):
 *
 *   const api = createApiClient({ baseUrl: "https://gateway.example", fetch: wxFetch, token })
 *
 * Text and JSON bodies only (uploads go through `wx.uploadFile`); the answer is a standard
 * `Response` built from what `wx.request` returned, so openapi-fetch parses it as usual.
 */

interface WxRequestSuccess {
  statusCode: number;
  header: Record<string, string>;
  data: string | ArrayBuffer;
}

interface WxRequestOptions {
  url: string;
  method: string;
  header: Record<string, string>;
  data?: string | ArrayBuffer;
  dataType: "其他";
  responseType: "text" | "arraybuffer";
  timeout?: number;
  success: (result: WxRequestSuccess) => void;
  fail: (error: { errMsg: string }) => void;
}

declare const wx: { request(options: WxRequestOptions): unknown } | undefined;

export async function wxFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const header: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    header[key] = value;
  });
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
  if (typeof wx === "undefined") throw new TypeError("wxFetch runs only inside a WeChat mini-program");
  const api = wx;
  return new Promise<Response>((resolve, reject) => {
    api.request({
      url: request.url,
      method: request.method,
      header,
      data: body,
      // "其他" (other): wx.request must not parse JSON itself; openapi-fetch does
      dataType: "其他",
      responseType: "text",
      success(result) {
        const status = result.statusCode;
        const noBody = status === 204 || status === 304;
        resolve(new Response(noBody ? null : (result.data as string), { status, headers: result.header }));
      },
      fail(error) {
        reject(new TypeError(`wx.request failed: ${error.errMsg}`));
      },
    });
  });
}
