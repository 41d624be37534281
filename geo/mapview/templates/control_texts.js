{% macro script(this, kwargs) %}
(function (map, texts) {
  // leaflet-draw reads L.drawLocal when its toolbar is built and while drawing: set it first
  function merge(target, source) {
    Object.keys(source).forEach(function (k) {
      var v = source[k];
      if (v && typeof v === "object" && target[k] && typeof target[k] === "object") { merge(target[k], v); }
      else { target[k] = v; }
    });
  }
  if (window.L && L.drawLocal) { merge(L.drawLocal, texts.draw); }
  // Leaflet's zoom buttons exist as soon as the map does: give them their titles
  if (L.Control && L.Control.Zoom) {
    L.Control.Zoom.prototype.options.zoomInTitle = texts.zoom_in;
    L.Control.Zoom.prototype.options.zoomOutTitle = texts.zoom_out;
  }
  var zoom = map.zoomControl;
  if (zoom) {
    zoom.options.zoomInTitle = texts.zoom_in;
    zoom.options.zoomOutTitle = texts.zoom_out;
    [[zoom._zoomInButton, texts.zoom_in], [zoom._zoomOutButton, texts.zoom_out]].forEach(function (pair) {
      if (pair[0]) { pair[0].title = pair[1]; pair[0].setAttribute("aria-label", pair[1]); }
    });
  }
  if (map.attributionControl) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="' + texts.leaflet_title + '">Leaflet</a>');
  }
})({{ this._parent.get_name() }}, {{ this.texts|tojson }});
{% endmacro %}
