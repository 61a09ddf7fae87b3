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
	Data          template.JS
}

type pageLayer struct {
	Index   int
	Name    string
	Color   template.CSS
	Checked bool
	Src     template.URL
}

// pageTemplate is the viewer element. The initial slice is in the markup itself, so that something shows even
// where scripts do not run (an untrusted notebook). The script avoids '<' and '&' so that the element stays
// well-formed XML, which keeps it robust to sanitisers and easy to check.
var pageTemplate = template.Must(template.New("viewer").Parse(`<div id="{{.ID}}" class="gokd-viewer" tabindex="0" data-slices="{{.Slices}}" style="display:inline-block;font:13px sans-serif;outline:none;user-select:none">
{{- if .Title}}
<div style="font-weight:bold;margin-bottom:4px">{{.Title}}</div>
{{- end}}
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
<script type="application/json" id="{{.ID}}-data">{{.Data}}</script>
<script>
(function () {
  var id = {{.ID}};
  var root = document.getElementById(id);
  var data = JSON.parse(document.getElementById(id + "-data").textContent);
  var n = data.base.length;
  var slider = document.getElementById(id + "-slider");
  var label = document.getElementById(id + "-label");
  var base = document.getElementById(id + "-base");
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
  show(start);
})();
</script>
</div>
`))
