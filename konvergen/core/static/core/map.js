// Region map: child regions as polygons (or centroid points when no boundary is loaded).
// No tile layer: the map works offline and sends no request outside the app.
// With data-values-url (the welfare dashboard) the regions are coloured by the indicator
// chosen in #map-indicator; suppressed or missing values stay grey.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.25, maxZoom: 18 });
  const detailUrl = el.dataset.detailUrl;
  const select = document.getElementById("map-indicator");
  const legend = document.getElementById("map-legend");
  const query = window.location.search;
  let values = {};
  let layer = null;

  const BASE = { color: "#1d5c8f", weight: 1, fillColor: "#4f9bd9", fillOpacity: 0.35 };
  const PALETTE = ["#fff5eb", "#fdd0a2", "#fdae6b", "#f16913", "#d94801", "#8c2d04"];

  function range(key) {
    const xs = Object.values(values).map((v) => v[key]).filter((x) => x !== null && x !== undefined);
    return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
  }

  function colour(value, r) {
    if (value === null || value === undefined || !r) return "#bbbbbb";
    const t = r[1] > r[0] ? (value - r[0]) / (r[1] - r[0]) : 1;
    return PALETTE[Math.min(PALETTE.length - 1, Math.floor(t * PALETTE.length))];
  }

  function fmt(key, value) {
    if (value === null || value === undefined) return "—";
    return key === "mpi_m0" ? value.toFixed(3) : (value * 100).toFixed(1) + " %";
  }

  function restyle() {
    if (!layer) return;
    const key = select ? select.value : null;
    const r = key ? range(key) : null;
    layer.eachLayer((l) => {
      const v = values[l.feature.properties.code] || {};
      const style = key ? { ...BASE, fillColor: colour(v[key], r), fillOpacity: 0.75 } : BASE;
      if (l.setStyle) l.setStyle(style);
      const label = `${l.feature.properties.name} (${l.feature.properties.code})`;
      l.setTooltipContent(key ? `${label}: ${fmt(key, v[key])}` : label);
    });
    if (legend && key) {
      legend.textContent = r ? `${fmt(key, r[0])} – ${fmt(key, r[1])}` : "—";
    }
    el.dataset.indicator = key || "";
  }

  const geo = fetch(el.dataset.url, { credentials: "same-origin" }).then((r) => r.json());
  const vals = el.dataset.valuesUrl
    ? fetch(el.dataset.valuesUrl, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { values: {} }))
    : Promise.resolve({ values: {} });
  Promise.all([geo, vals]).then(([data, welfare]) => {
    values = welfare.values || {};
    layer = L.geoJSON(data, {
      style: () => BASE,
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#1d5c8f", fillOpacity: 0.6 }),
      onEachFeature: (f, l) => {
        l.bindTooltip(`${f.properties.name} (${f.properties.code})`);
        l.on("click", () => { window.location = detailUrl.replace("CODE", f.properties.code) + query; });
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (!bounds.isValid()) map.setView([-2.5, 118], 4);
    else if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 14);
    else map.fitBounds(bounds, { padding: [10, 10] });
    restyle();
    el.dataset.features = String(data.features.length);
  });
  if (select) select.addEventListener("change", restyle);
})();
