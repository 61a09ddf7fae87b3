package notebooks

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// absolutePath matches an absolute file path that starts a word of an output text (after a space, quote, bracket,
// "=", ":", "," or ">", so not the "/" of a closing HTML tag or of a URL's "//").
var absolutePath = regexp.MustCompile(`(?:^|[\s"'(=:\[,>])(/(?:[\w.+-]+/)*[\w.+-]+)`)

// systemFolders are absolute paths that say nothing about the machine a notebook ran on: the same on every Linux.
var systemFolders = []string{"/usr/", "/lib", "/etc/", "/proc/", "/sys/", "/dev/", "/bin/", "/sbin/"}

// machinePaths returns the absolute paths that the notebook's saved outputs (streams and text-like displays;
// pictures are left out) name outside the system folders: paths of the machine and checkout it ran on.
func machinePaths(nb *nbexec.Notebook) []string {
	var found []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			texts := []string{string(o.Text), o.ErrValue, strings.Join(o.Traceback, "\n")}
			for mime, data := range o.Data {
				if strings.HasPrefix(mime, "text/") {
					texts = append(texts, string(data))
				}
			}
			for _, text := range texts {
				for _, m := range absolutePath.FindAllStringSubmatch(text, -1) {
					p := m[1]
					if !slices.ContainsFunc(systemFolders, func(f string) bool { return strings.HasPrefix(p, f) }) &&
						!slices.Contains(found, p) {
						found = append(found, p)
					}
				}
			}
		}
	}
	return found
}

func TestMachinePaths(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  nbexec.Output
		want []string
	}{
		{"environment card", nbexec.Output{Type: "display_data", Data: map[string]nbexec.Text{"text/html": `<td>xla (xla:/work/main/.pjrt/p.so)</td><td>/work/main/notebooks/.gokd-cache</td>`}},
			[]string{"/work/main/.pjrt/p.so", "/work/main/notebooks/.gokd-cache"}},
		{"GoNB's go.work line", nbexec.Output{Type: "stream", Name: "stdout", Text: `to local directory "/work/main".`}, []string{"/work/main"}},
		{"relative paths", nbexec.Output{Type: "stream", Name: "stdout", Text: `to local directory ".": .pjrt/p.so, ../shared/data/c.nii.gz`}, nil},
		{"HTML tags and URLs", nbexec.Output{Type: "display_data", Data: map[string]nbexec.Text{"text/html": `<a href="https://github.com/gomlx/gomlx">x</a><br/>`}}, nil},
		{"system folders", nbexec.Output{Type: "stream", Name: "stderr", Text: "searched /usr/lib/x86_64-linux-gnu"}, nil},
		{"pictures not read", nbexec.Output{Type: "display_data", Data: map[string]nbexec.Text{"image/png": " /work/main/x"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := &nbexec.Notebook{Cells: []nbexec.Cell{{Type: "code", Outputs: []nbexec.Output{tc.out}}}}
			if got := machinePaths(nb); !slices.Equal(got, tc.want) {
				t.Errorf("machinePaths = %q, want %q", got, tc.want)
			}
		})
	}
}
