package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// procStatusKiB reads a "VmXXX: N kB" field of /proc/self/status.
func procStatusKiB(field string) (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reading memory use: %w", err)
	}
	scanner := bufio.NewScanner(bytes.NewReader(status))
	prefix := []byte(field + ":")
	for scanner.Scan() {
		if line := scanner.Bytes(); bytes.HasPrefix(line, prefix) {
			fields := bytes.Fields(line[len(prefix):])
			if len(fields) == 0 {
				break
			}
			return strconv.ParseInt(string(fields[0]), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", field)
}

// resetPeakRSS sets VmHWM back to the current resident size (Linux ≥ 4.0), so that peaks are per workload.
func resetPeakRSS() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("resetting the peak-memory counter: %w", err)
	}
	return nil
}

// printReport writes the table and the ratio lines, one per GoKD backend against each reference present
// (PyTorch, JAX): "ratio <workload> <net> gokd-<backend>/<reference>: <x>", and "ratio <workload>-memory ..." for
// peak memory unless memoryRatios is false (PyTorch on a GPU, where the two peaks measure different memories).
func printReport(out io.Writer, results []comparison, memoryRatios bool) {
	table := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(table, "workload\tnet\tframework\tmedian ms\tGFLOP/s\tpeak MiB\t")
	for _, c := range results {
		for i, m := range c.measured {
			median := m.median()
			fmt.Fprintf(table, "%s\t%s\t%s\t%.1f\t%.1f\t%.0f\t\n", c.task(), c.net, c.names[i], median,
				c.flops()/median/1e6, float64(m.peakBytes)/(1<<20))
		}
	}
	_ = table.Flush()
	fmt.Fprintln(out)
	kinds := []struct {
		suffix string
		value  func(m measurement) float64
	}{
		{"", measurement.median},
		{"-memory", func(m measurement) float64 { return float64(m.peakBytes) }},
	}
	if !memoryRatios {
		kinds = kinds[:1]
	}
	for _, ref := range []string{"pytorch", "jax"} {
		for _, kind := range kinds {
			for _, c := range results {
				r := slices.Index(c.names, ref)
				if r < 0 {
					continue
				}
				for i, name := range c.names {
					if strings.HasPrefix(name, "gokd-") {
						fmt.Fprintf(out, "ratio %s%s %s %s/%s: %.2f\n", c.task(), kind.suffix, c.net, name, ref,
							kind.value(c.measured[i])/kind.value(c.measured[r]))
					}
				}
			}
		}
	}
}
