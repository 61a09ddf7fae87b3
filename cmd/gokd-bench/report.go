package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
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

// printReport writes the table and the ratio lines; memoryRatios is false when the two peaks measure different
// memories (PyTorch on a GPU).
func printReport(out io.Writer, results []comparison, memoryRatios bool) {
	table := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(table, "workload\tnet\tframework\tmedian ms\tGFLOP/s\tpeak MiB\t")
	row := func(c comparison, framework string, m measurement) {
		median := m.median()
		fmt.Fprintf(table, "%s\t%s\t%s\t%.1f\t%.1f\t%.0f\t\n", c.task(), c.net, framework, median,
			c.flops()/median/1e6, float64(m.peakBytes)/(1<<20))
	}
	for _, c := range results {
		row(c, "gokd", c.gokd)
		if c.hasTorch {
			row(c, "pytorch", c.torch)
		}
	}
	_ = table.Flush()
	fmt.Fprintln(out)
	for _, c := range results {
		if !c.hasTorch {
			continue
		}
		fmt.Fprintf(out, "ratio %s %s gokd/pytorch: %.2f\n", c.task(), c.net, c.gokd.median()/c.torch.median())
	}
	for _, c := range results {
		if c.train && c.hasTorch && memoryRatios {
			fmt.Fprintf(out, "ratio train-step-memory %s gokd/pytorch: %.2f\n", c.net,
				float64(c.gokd.peakBytes)/float64(c.torch.peakBytes))
		}
	}
}
