package kernelext

import (
	"encoding/json"
	"fmt"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// PrintResult prints the notebook's one machine-readable line of key numbers, `GOKD_RESULT {...}`, read by
// `make verify` and the notebook tests. v is a struct with json tags (its field order is kept) or a map.
func PrintResult(v any) error {
	blob, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding GOKD_RESULT: %w", err)
	}
	fmt.Printf("%s%s\n", nbexec.ResultPrefix, blob)
	return nil
}

// DataAbsent is the GOKD_RESULT of a notebook whose input data is missing on this machine, for PrintResult: it
// names the keys the notebook prints when the data is there. `make verify` and the notebook tests then report
// those keys as "data absent (skipped)" instead of a disagreement.
func DataAbsent(keys ...string) map[string]any { return map[string]any{nbexec.DataAbsentField: keys} }
