package table

import (
	"fmt"
	"html"
	"strings"
)

// Table is a results table. Build it with [New] and [Table.Add]; cells are strings or numbers (any Go integer or
// float type).
type Table struct {
	columns []string
	formats []string
	rows    [][]any
}

// DefaultFormat formats floating-point cells: 4 significant digits.
const DefaultFormat = "%.4g"

// New returns an empty table with the given column names.
func New(columns ...string) *Table {
	formats := make([]string, len(columns))
	for i := range formats {
		formats[i] = DefaultFormat
	}
	return &Table{columns: columns, formats: formats}
}

// Format sets the fmt verb used for the floating-point cells of the named column (e.g. "%.3f"). An unknown
// column is ignored rather than failing, so that a chain of options stays an expression.
func (t *Table) Format(column, format string) *Table {
	for i, c := range t.columns {
		if c == column {
			t.formats[i] = format
		}
	}
	return t
}

// Add appends a row; it must have one cell per column, each a string or a number.
func (t *Table) Add(cells ...any) error {
	if len(cells) != len(t.columns) {
		return fmt.Errorf("table: row %d has %d cells, want %d (%s)", len(t.rows), len(cells), len(t.columns),
			strings.Join(t.columns, ", "))
	}
	for i, c := range cells {
		switch c.(type) {
		case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		default:
			return fmt.Errorf("table: row %d column %q: unsupported cell type %T", len(t.rows), t.columns[i], c)
		}
	}
	t.rows = append(t.rows, cells)
	return nil
}

// Columns returns the column names.
func (t *Table) Columns() []string { return t.columns }

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Cell returns the formatted text of a cell and whether it is a number (numbers align right).
func (t *Table) Cell(row, column int) (text string, numeric bool) {
	switch v := t.rows[row][column].(type) {
	case string:
		return v, false
	case float32, float64:
		return fmt.Sprintf(t.formats[column], v), true
	default:
		return fmt.Sprint(v), true
	}
}

// HTML returns the table as an HTML <table> element with inline styles (notebook outputs carry no stylesheet).
func (t *Table) HTML() string {
	var b strings.Builder
	const cellStyle = "padding:2px 10px;border-bottom:1px solid #ddd;"
	b.WriteString(`<table style="border-collapse:collapse;font-family:sans-serif;font-size:13px">` + "\n<thead><tr>")
	for _, c := range t.columns {
		fmt.Fprintf(&b, `<th style="%sborder-bottom:2px solid #888;text-align:left">%s</th>`, cellStyle,
			html.EscapeString(c))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for r := range t.rows {
		b.WriteString("<tr>")
		for c := range t.columns {
			text, numeric := t.Cell(r, c)
			align := "left"
			if numeric {
				align = "right;font-variant-numeric:tabular-nums"
			}
			fmt.Fprintf(&b, `<td style="%stext-align:%s">%s</td>`, cellStyle, align, html.EscapeString(text))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
	return b.String()
}

// Text returns the table as aligned plain text, for terminals and logs.
func (t *Table) Text() string {
	widths := make([]int, len(t.columns))
	for c, name := range t.columns {
		widths[c] = len([]rune(name))
		for r := range t.rows {
			text, _ := t.Cell(r, c)
			widths[c] = max(widths[c], len([]rune(text)))
		}
	}
	var b strings.Builder
	writeRow := func(cell func(c int) (string, bool)) {
		for c := range t.columns {
			text, numeric := cell(c)
			pad := strings.Repeat(" ", widths[c]-len([]rune(text)))
			if c > 0 {
				b.WriteString("  ")
			}
			if numeric {
				b.WriteString(pad + text)
			} else {
				b.WriteString(text + pad)
			}
		}
		b.WriteString("\n")
	}
	writeRow(func(c int) (string, bool) { return t.columns[c], false })
	writeRow(func(c int) (string, bool) { return strings.Repeat("-", widths[c]), false })
	for r := range t.rows {
		writeRow(func(c int) (string, bool) { return t.Cell(r, c) })
	}
	return strings.TrimRight(strings.ReplaceAll(b.String(), " \n", "\n"), "\n") + "\n"
}
