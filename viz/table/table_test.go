package table_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/gokd/gokd/viz/table"
)

func results(t *testing.T) *table.Table {
	tab := table.New("model", "site", "Dice", "params").Format("Dice", "%.3f")
	for _, row := range [][]any{{"teacher", "BIDMC", 0.91234, 31_000_000}, {"student <KD>", "HK", float32(0.8), 1_900_000}} {
		if err := tab.Add(row...); err != nil {
			t.Fatal(err)
		}
	}
	return tab
}

func TestTableHTML(t *testing.T) {
	var parsed struct {
		Head []string `xml:"thead>tr>th"`
		Rows []struct {
			Cells []string `xml:"td"`
		} `xml:"tbody>tr"`
	}
	if err := xml.Unmarshal([]byte(results(t).HTML()), &parsed); err != nil {
		t.Fatalf("HTML is not well formed: %v", err)
	}
	if strings.Join(parsed.Head, "|") != "model|site|Dice|params" {
		t.Errorf("header %q", parsed.Head)
	}
	if len(parsed.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(parsed.Rows))
	}
	if got := strings.Join(parsed.Rows[0].Cells, "|"); got != "teacher|BIDMC|0.912|31000000" {
		t.Errorf("row 0 = %q", got)
	}
	if got := parsed.Rows[1].Cells[0]; got != "student <KD>" {
		t.Errorf("escaped cell round-trips as %q", got)
	}
}

func TestTableText(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(results(t).Text(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want header, rule and 2 rows:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	// Numbers align right: the params column ends at the same offset on every row.
	if !strings.HasSuffix(lines[2], " 31000000") || !strings.HasSuffix(lines[3], "  1900000") {
		t.Errorf("params not right-aligned:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[3], "student <KD>  HK") {
		t.Errorf("text columns not left-aligned: %q", lines[3])
	}
}

func TestTableRejectsBadRows(t *testing.T) {
	tab := table.New("a", "b")
	if err := tab.Add("x"); err == nil {
		t.Error("short row: no error")
	}
	if err := tab.Add("x", []int{1}); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("slice cell: error %v, want one naming the column", err)
	}
	if tab.Len() != 0 {
		t.Errorf("rejected rows were kept: %d rows", tab.Len())
	}
}
