// Region map: child regions as polygons (or centroid points when no boundary is loaded).
// No tile layer: the map works offline and sends no request outside the app.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.25, maxZoom: 18 });
  const detailUrl = el.dataset.detailUrl;
  fetch(el.dataset.url, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        style: () => ({ color: "#1d5c8f", weight: 1, fillColor: "#4f9bd9", fillOpacity: 0.35 }),
        pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 6, color: "#1d5c8f", fillOpacity: 0.6 }),
        onEachFeature: (f, l) => {
          l.bindTooltip(`${f.properties.name} (${f.properties.code})`);
          l.on("click", () => { window.location = detailUrl.replace("CODE", f.properties.code); });
        },
      }).addTo(map);
      const bounds = layer.getBounds();
      if (!bounds.isValid()) map.setView([-2.5, 118], 4);
      else if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 14);
      else map.fitBounds(bounds, { padding: [10, 10] });
      el.dataset.features = String(data.features.length);
    });
})();
