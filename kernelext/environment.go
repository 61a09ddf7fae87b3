package kernelext

import (
	"bufio"
	"fmt"
	"html"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd"
	"github.com/gokd/gokd/kernelext/nbexec"
	"github.com/gomlx/compute"
)

// EnvInfo describes the machine and backend a notebook runs on.
type EnvInfo struct {
	GoKDVersion string
	GoVersion   string
	Backend     string   // Backend name, e.g. "go" or "xla".
	Description string   // Backend description.
	Why         string   // Why this backend runs (package backend's Choose).
	Devices     []string // One description per device.
	CPUCores    int
	MemTotalGiB float64 // 0 when unknown.
	MemFreeGiB  float64 // Available memory; 0 when unknown.
	CacheDir    string
}

// Environment collects the EnvInfo for backend b. Paths into the repository (the plugin, the cache) are shown
// relative to it (nbexec.RelativePaths), so a saved notebook carries no trace of the machine it ran on.
func Environment(b compute.Backend) EnvInfo {
	_, why := backend.Choose()
	relative := relativeToRepository()
	info := EnvInfo{
		GoKDVersion: kd.Version,
		GoVersion:   runtime.Version(),
		Backend:     b.Name(),
		Description: relative(b.Description()),
		Why:         relative(why),
		CPUCores:    runtime.NumCPU(),
		CacheDir:    relative(CacheDir()),
	}
	for i := 0; i < b.NumDevices(); i++ {
		info.Devices = append(info.Devices, b.DeviceDescription(compute.DeviceNum(i)))
	}
	info.MemTotalGiB, info.MemFreeGiB = memInfoGiB()
	return info
}

// relativeToRepository returns a function that rewrites the repository's absolute paths in a text as relative ones:
// the GoKD checkout the notebook uses (Root); the identity where there is none.
func relativeToRepository() func(string) string {
	root := Root()
	if root == "" {
		return func(s string) string { return s }
	}
	return func(s string) string { return nbexec.RelativePaths(s, root) }
}

// rows returns the card's (label, value) pairs, shared by Text and HTML.
func (e EnvInfo) rows() [][2]string {
	mem := "unknown"
	if e.MemTotalGiB > 0 {
		mem = fmt.Sprintf("%.1f GiB total, %.1f GiB available", e.MemTotalGiB, e.MemFreeGiB)
	}
	return [][2]string{
		{"GoKD", e.GoKDVersion},
		{"Go", e.GoVersion},
		{"Backend", fmt.Sprintf("%s (%s)", e.Backend, e.Description)},
		{"Chosen", e.Why},
		{"Devices", fmt.Sprintf("%d: %s", len(e.Devices), strings.Join(e.Devices, "; "))},
		{"CPU cores", strconv.Itoa(e.CPUCores)},
		{"Memory", mem},
		{"Model cache", e.CacheDir},
	}
}

// Text renders the card as aligned plain text.
func (e EnvInfo) Text() string {
	var sb strings.Builder
	sb.WriteString("GoKD environment\n")
	for _, r := range e.rows() {
		fmt.Fprintf(&sb, "  %-12s %s\n", r[0]+":", r[1])
	}
	return sb.String()
}

// HTML renders the card as a small self-contained HTML table.
func (e EnvInfo) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table style="border-collapse:collapse;font-family:sans-serif;font-size:13px">`)
	sb.WriteString(`<caption style="text-align:left;font-weight:bold;padding:4px 0">GoKD environment</caption>`)
	for _, r := range e.rows() {
		fmt.Fprintf(&sb, `<tr><td style="padding:2px 12px 2px 0;color:#555">%s</td><td style="padding:2px 0">%s</td></tr>`,
			html.EscapeString(r[0]), html.EscapeString(r[1]))
	}
	sb.WriteString("</table>")
	return sb.String()
}

// memInfoGiB reads total and available memory from /proc/meminfo (Linux); zeros elsewhere.
func memInfoGiB() (total, available float64) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 2 {
			continue
		}
		kib, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "MemTotal:":
			total = kib / (1 << 20)
		case "MemAvailable:":
			available = kib / (1 << 20)
		}
	}
	return total, available
}
