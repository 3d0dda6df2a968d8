/**
 * Map tiles: "none" (default; the GeoJSON on a blank canvas), "tianditu" (天地图, needs a
 * key) or "amap" (高德). Chosen with `?tiles=tianditu&tk=KEY` on any console URL (kept in
 * localStorage) or at build time with VITE_MAP_TILES / VITE_TIANDITU_KEY.
 * AMap tiles are in GCJ-02; coordinates registered in WGS-84 show ~500 m off on them, so a
 * map on AMap tiles asks the API for its points with `crs=gcj02` (`mapDatum()`).
 */
export interface Tiles {
  url: string;
  subdomains: string[];
}

function tilesKind(): string {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get("tiles");
  if (fromUrl) {
    localStorage.setItem("sc-map-tiles", fromUrl);
    if (params.get("tk")) localStorage.setItem("sc-map-tk", params.get("tk")!);
  }
  return localStorage.getItem("sc-map-tiles") ?? import.meta.env.VITE_MAP_TILES ?? "none";
}

/** The datum of the chosen tiles: ask the API (`crs=`) for points in it. */
export function mapDatum(): "wgs84" | "gcj02" {
  return tilesKind() === "amap" ? "gcj02" : "wgs84";
}

export function mapTiles(): Tiles | null {
  const kind = tilesKind();
  const key = localStorage.getItem("sc-map-tk") ?? import.meta.env.VITE_TIANDITU_KEY ?? "";
  if (kind === "tianditu" && key) {
    return {
      url: `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
      subdomains: ["0", "1", "2", "3", "4", "5", "6", "7"],
    };
  }
  if (kind === "amap") {
    return {
      url: "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
      subdomains: ["1", "2", "3", "4"],
    };
  }
  return null;
}
