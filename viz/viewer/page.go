package viewer

import "html/template"

type pageData struct {
	ID, Title     string
	Slices, Max   int
	Initial       int
	Width, Height int
	Rendering     string
	Base          template.URL
	Layers        []pageLayer
	Frames        []pageFrame
}

type pageLayer struct {
	Index   int
	Name    string
	Color   template.CSS
	Checked bool
	Src     template.URL
}

// pageFrame is one slice of the strip: its image and its non-empty layer overlays.
type pageFrame struct {
	K      int
	Base   template.URL
	Layers []pageLayer
}

// pageTemplate is the viewer element. It holds two views of the volume:
//
//   - the strip (id …-strip), shown where scripts do not run: every slice side by side in a horizontally
//     scrolling box, with its label and the layers as first shown (hidden layers stay hidden). It uses nothing
//     that JupyterLab's sanitiser removes from an untrusted notebook's HTML (no script, no style element, no
//     input, inline styles it keeps), so moving through the slices works there by scrolling: the scroll bar,
//     Shift+wheel or a trackpad. (The sanitiser also strips tabindex, so the strip cannot take the arrow keys.)
//   - the live viewer (id …-live), hidden in the markup and shown by the script, which also hides the strip and
//     reads the images from it: one slice at a time, a slider, arrow keys and layer check boxes.
//
// The script avoids '<' and '&' so that the element stays well-formed XML, which keeps it robust to sanitisers
// and easy to check.
var pageTemplate = template.Must(template.New("viewer").Parse(`<div id="{{.ID}}" class="gokd-viewer" tabindex="0" data-slices="{{.Slices}}" style="display:inline-block;font:13px sans-serif;outline:none;user-select:none">
{{- if .Title}}
<div style="font-weight:bold;margin-bottom:4px">{{.Title}}</div>
{{- end}}
<div id="{{.ID}}-live" class="gokd-viewer-live" style="display:none">
<div style="position:relative;width:{{.Width}}px;height:{{.Height}}px;background:#000">
<img id="{{.ID}}-base" alt="slice" src="{{.Base}}" style="position:absolute;left:0;top:0;width:{{.Width}}px;height:{{.Height}}px;image-rendering:{{.Rendering}}"/>
{{- range .Layers}}
<img id="{{$.ID}}-layer-{{.Index}}" alt="{{.Name}}" src="{{.Src}}" style="position:absolute;left:0;top:0;width:{{$.Width}}px;height:{{$.Height}}px;image-rendering:pixelated;{{if not (and .Checked .Src)}}display:none{{end}}"/>
{{- end}}
</div>
<div style="margin-top:4px"><input type="range" id="{{.ID}}-slider" min="0" max="{{.Max}}" value="{{.Initial}}" step="1" style="width:{{.Width}}px;vertical-align:middle"/></div>
<div><span id="{{.ID}}-label">slice {{.Initial}}</span>
{{- range .Layers}}
<label style="margin-left:10px"><input type="checkbox" id="{{$.ID}}-toggle-{{.Index}}"{{if .Checked}} checked="checked"{{end}}/><span style="display:inline-block;width:10px;height:10px;margin:0 3px;background:{{.Color}}"></span>{{.Name}}</label>
{{- end}}
</div>
</div>
<div id="{{.ID}}-strip" class="gokd-viewer-strip" style="width:{{.Width}}px;overflow-x:scroll;overflow-y:hidden;white-space:nowrap;background:#000">
{{- range $f := .Frames}}<div class="gokd-viewer-frame" style="display:inline-block;position:relative;width:{{$.Width}}px;height:{{$.Height}}px;vertical-align:top">
<img class="gokd-viewer-frame-base" data-k="{{.K}}" alt="slice {{.K}}" src="{{.Base}}" style="position:absolute;left:0;top:0;width:{{$.Width}}px;height:{{$.Height}}px;image-rendering:{{$.Rendering}}"/>
{{- range .Layers}}
<img class="gokd-viewer-frame-layer" data-k="{{$f.K}}" data-layer="{{.Index}}" alt="{{.Name}}" src="{{.Src}}" style="position:absolute;left:0;top:0;width:{{$.Width}}px;height:{{$.Height}}px;image-rendering:pixelated;{{if not .Checked}}display:none{{end}}"/>
{{- end}}
<span style="position:absolute;left:4px;top:2px;color:#ffffff;font:12px sans-serif">slice {{.K}} / {{$.Max}}</span>
</div>
{{- end}}</div>
<div id="{{.ID}}-note" class="gokd-viewer-note" style="width:{{.Width}}px;white-space:normal;color:#777777;font-size:11px;margin-top:2px">Scripts are off here (e.g. an untrusted notebook): scroll the strip sideways (scroll bar, Shift+wheel, trackpad) for the other slices; layers as first shown. Run the cell, or trust the notebook, for the slider and the layer boxes.</div>
<script>
(function () {
  var id = {{.ID}};
  var root = document.getElementById(id);
  var strip = document.getElementById(id + "-strip");
  var slider = document.getElementById(id + "-slider");
  var label = document.getElementById(id + "-label");
  var base = document.getElementById(id + "-base");
  var data = {base: [], layers: []};
  var nLayers = {{len .Layers}};
  for (var j = 0; j !== nLayers; j++) { data.layers.push([]); }
  Array.prototype.forEach.call(strip.getElementsByTagName("img"), function (img) {
    var k = +img.getAttribute("data-k"), j = img.getAttribute("data-layer");
    if (j === null) { data.base[k] = img.getAttribute("src"); } else { data.layers[+j][k] = img.getAttribute("src"); }
  });
  var n = data.base.length;
  var layers = data.layers.map(function (frames, j) {
    return {frames: frames, img: document.getElementById(id + "-layer-" + j),
      box: document.getElementById(id + "-toggle-" + j)};
  });
  function show(k) {
    k = Math.max(0, Math.min(n - 1, Math.round(k)));
    slider.value = k;
    base.src = data.base[k];
    label.textContent = "slice " + k + " / " + (n - 1);
    layers.forEach(function (l) {
      var f = l.frames[k];
      if (f) { l.img.src = f; }
      l.img.style.display = (f ? l.box.checked : false) ? "" : "none";
    });
  }
  slider.addEventListener("input", function () { show(+slider.value); });
  layers.forEach(function (l) { l.box.addEventListener("change", function () { show(+slider.value); }); });
  root.addEventListener("keydown", function (e) {
    var step = {ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1}[e.key];
    if (!step) { return; }
    e.stopPropagation(); // Keep Jupyter from moving between cells.
    if (e.target === slider) { return; } // The slider steps itself.
    e.preventDefault();
    show(+slider.value + step);
  });
  var start = +slider.value;
  var amp = String.fromCharCode(38); // Spelled out to keep the element well-formed XML.
  location.hash.substring(1).split(amp).forEach(function (kv) {
    var p = kv.split("=");
    if ((p[0] === "slice" || p[0] === id) ? p.length === 2 : false) {
      var k = parseInt(p[1], 10);
      if (!isNaN(k)) { start = k; }
    }
  });
  strip.style.display = "none";
  document.getElementById(id + "-note").style.display = "none";
  document.getElementById(id + "-live").style.display = "";
  show(start);
})();
</script>
</div>
`))
