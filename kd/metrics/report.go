package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gokd/gokd/datasets"
)

// Evaluator scores a model's predictions against the masks of their samples, per case and per site.
// Create it with [NewEvaluator], configure it with its builder methods, then call [Evaluator.Evaluate].
type Evaluator struct {
	class int32
	hd95  HD95Definition
}

// NewEvaluator returns an Evaluator that scores class 1 (the prostate) as the foreground.
func NewEvaluator() *Evaluator { return &Evaluator{class: 1} }

// Class sets the label scored as foreground; every other label is background.
func (e *Evaluator) Class(class int32) *Evaluator {
	e.class = class
	return e
}

// HD95Definition sets how HD95 combines the two directions of surface distances; the default is [HD95Pooled].
func (e *Evaluator) HD95Definition(d HD95Definition) *Evaluator {
	e.hd95 = d
	return e
}

// CaseResult holds the scores of one case: its slices stacked into a volume.
type CaseResult struct {
	Site, Case string
	FirstIndex int            // Slice index of the first slice; slices are contiguous from it.
	Confusion  Confusion      // Voxel counts over the whole volume; Dice, IoU, etc. derive from it.
	Surface    SurfaceMetrics // Boundary distances in 3D, in mm.
	// SliceDice is the Dice of each 2D slice, in slice order; NaN (not scored) for a slice without foreground in
	// both the prediction and the truth, so that an empty prediction does not score the empty slices as perfect.
	SliceDice []float64
}

// SiteSummary aggregates the cases of one site (or of all sites): each volume metric is summarised over cases,
// and SliceDice over every slice of those cases where the truth or the prediction has foreground.
//
// HD95 and ASSD are summarised over the cases where both prediction and truth have a surface; the cases where the
// model predicted nothing though the truth has foreground (infinite distances) are counted in Missed instead, and
// every table shows that count beside the distances (a set with no distance shows "–").
type SiteSummary struct {
	Site  string
	Cases int

	Dice, IoU, Sensitivity, Specificity, Precision Stat
	HD95, ASSD                                     Stat // In mm, over the cases not missed.
	Missed                                         int  // Cases with an infinite surface distance: missed.
	SliceDice                                      Stat
}

// Report is the evaluation of a set of predictions: one row per case and one summary per site.
type Report struct {
	Cases   []CaseResult  // Sorted by site, then case.
	Sites   []SiteSummary // Sorted by site.
	Overall SiteSummary   // All cases of all sites, with Site "all".
}

// Evaluate scores predictions[i] (a Size×Size label map) against samples[i].Mask.
//
// The slices of each case (same Site and Case) are sorted by Index and stacked into a volume, with the samples'
// pixel and slice spacings, to compute volume Dice and 3D surface distances. A case's slices must be contiguous,
// unique and agree on size and spacing: stacking them otherwise would measure distances across missing slices.
// A case of one slice is scored in 2D and needs no slice spacing.
func (e *Evaluator) Evaluate(samples []datasets.Sample, predictions [][]int32) (*Report, error) {
	if len(samples) != len(predictions) {
		return nil, fmt.Errorf("metrics: %d samples but %d predictions", len(samples), len(predictions))
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("metrics: nothing to evaluate: no samples")
	}
	byCase := make(map[string][]int)
	for i := range samples {
		s := &samples[i]
		if want := s.Size * s.Size; s.Size <= 0 || len(s.Mask) != want || len(predictions[i]) != want {
			return nil, fmt.Errorf("metrics: sample %s#%d of size %d has a mask of %d values and a prediction of %d, "+
				"want %d each", s.CaseKey(), s.Index, s.Size, len(s.Mask), len(predictions[i]), want)
		}
		byCase[s.CaseKey()] = append(byCase[s.CaseKey()], i)
	}

	report := &Report{Cases: make([]CaseResult, 0, len(byCase))}
	var scratch caseScratch
	for _, members := range byCase {
		result, err := e.evaluateCase(samples, predictions, members, &scratch)
		if err != nil {
			return nil, err
		}
		report.Cases = append(report.Cases, result)
	}
	slices.SortFunc(report.Cases, func(a, b CaseResult) int {
		return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.Case, b.Case))
	})
	for start := 0; start < len(report.Cases); {
		end := start + 1
		for end < len(report.Cases) && report.Cases[end].Site == report.Cases[start].Site {
			end++
		}
		report.Sites = append(report.Sites, summarize(report.Cases[start].Site, report.Cases[start:end]))
		start = end
	}
	report.Overall = summarize("all", report.Cases)
	return report, nil
}

// caseScratch holds the buffers reused from one case to the next.
type caseScratch struct {
	pred, ref []int32
	surface   Workspace
}

// evaluateCase stacks and scores the samples at indices members, all of the same case.
func (e *Evaluator) evaluateCase(samples []datasets.Sample, predictions [][]int32, members []int,
	scratch *caseScratch) (CaseResult, error) {
	slices.SortFunc(members, func(a, b int) int { return cmp.Compare(samples[a].Index, samples[b].Index) })
	first := &samples[members[0]]
	for k, i := range members[1:] {
		s := &samples[i]
		if s.Index != first.Index+k+1 {
			return CaseResult{}, fmt.Errorf("metrics: case %s: slice indices must be unique and contiguous, "+
				"but slice %d follows slice %d", first.CaseKey(), s.Index, samples[members[k]].Index)
		}
		if s.Size != first.Size || s.PixelSpacingMM != first.PixelSpacingMM || s.SliceSpacingMM != first.SliceSpacingMM {
			return CaseResult{}, fmt.Errorf("metrics: case %s: slice %d has size %d and spacing %v/%v mm, "+
				"but slice %d has size %d and spacing %v/%v mm", first.CaseKey(), s.Index, s.Size, s.PixelSpacingMM,
				s.SliceSpacingMM, first.Index, first.Size, first.PixelSpacingMM, first.SliceSpacingMM)
		}
	}

	result := CaseResult{Site: first.Site, Case: first.Case, FirstIndex: first.Index,
		SliceDice: make([]float64, len(members))}
	area := first.Size * first.Size
	scratch.pred, scratch.ref = grow(scratch.pred, area*len(members)), grow(scratch.ref, area*len(members))
	for k, i := range members {
		pred, ref := predictions[i], samples[i].Mask
		counts, err := CountLabels(pred, ref, e.class)
		if err != nil {
			return CaseResult{}, fmt.Errorf("case %s slice %d: %w", first.CaseKey(), samples[i].Index, err)
		}
		result.SliceDice[k] = counts.Dice()
		if counts.TP+counts.FP+counts.FN == 0 {
			result.SliceDice[k] = math.NaN() // Empty in both: not scored (NewStat leaves NaNs out).
		}
		result.Confusion = result.Confusion.Add(counts)
		copy(scratch.pred[k*area:], pred)
		copy(scratch.ref[k*area:], ref)
	}

	grid := Grid{
		Shape:     []int{len(members), first.Size, first.Size},
		SpacingMM: []float64{first.SliceSpacingMM, first.PixelSpacingMM[0], first.PixelSpacingMM[1]},
	}
	if len(members) == 1 {
		grid = Grid{Shape: grid.Shape[1:], SpacingMM: grid.SpacingMM[1:]}
	}
	var err error
	surface := scratch.surface.HD95Definition(e.hd95)
	result.Surface, err = surface.SurfaceLabels(scratch.pred, scratch.ref, e.class, grid)
	if err != nil {
		return CaseResult{}, fmt.Errorf("case %s: %w", first.CaseKey(), err)
	}
	return result, nil
}

// summarize aggregates cases under the given site name.
func summarize(site string, cases []CaseResult) SiteSummary {
	perCase := func(metric func(CaseResult) float64) Stat {
		values := make([]float64, len(cases))
		for i, c := range cases {
			values[i] = metric(c)
		}
		return NewStat(values)
	}
	var sliceDice []float64
	missed := 0
	for _, c := range cases {
		sliceDice = append(sliceDice, c.SliceDice...)
		if math.IsInf(c.Surface.HD95, 1) || math.IsInf(c.Surface.ASSD, 1) {
			missed++
		}
	}
	// finite leaves the missed cases out of a distance: they are counted in Missed.
	finite := func(v float64) float64 {
		if math.IsInf(v, 0) {
			return math.NaN()
		}
		return v
	}
	return SiteSummary{
		Site:        site,
		Cases:       len(cases),
		Dice:        perCase(func(c CaseResult) float64 { return c.Confusion.Dice() }),
		IoU:         perCase(func(c CaseResult) float64 { return c.Confusion.IoU() }),
		Sensitivity: perCase(func(c CaseResult) float64 { return c.Confusion.Sensitivity() }),
		Specificity: perCase(func(c CaseResult) float64 { return c.Confusion.Specificity() }),
		Precision:   perCase(func(c CaseResult) float64 { return c.Confusion.Precision() }),
		HD95:        perCase(func(c CaseResult) float64 { return finite(c.Surface.HD95) }),
		ASSD:        perCase(func(c CaseResult) float64 { return finite(c.Surface.ASSD) }),
		Missed:      missed,
		SliceDice:   NewStat(sliceDice),
	}
}

// Table is a rendering-neutral table of strings, for notebooks and logs to display.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Decimals used when rendering tables: overlap ratios and distances in mm.
const (
	ratioDecimals = 4
	mmDecimals    = 2
)

// CaseTable renders one row per case.
func (r *Report) CaseTable() Table {
	t := Table{Columns: []string{"Site", "Case", "Slices", "Dice", "IoU", "Sensitivity", "Specificity",
		"Precision", "HD95 (mm)", "ASSD (mm)", "Slice Dice"}}
	formatRatio := func(v float64) string { return strconv.FormatFloat(v, 'f', ratioDecimals, 64) }
	formatMM := func(v float64) string {
		if math.IsInf(v, 1) {
			return "– (missed)" // No distance to an empty prediction.
		}
		return strconv.FormatFloat(v, 'f', mmDecimals, 64)
	}
	for _, c := range r.Cases {
		t.Rows = append(t.Rows, []string{c.Site, c.Case, strconv.Itoa(len(c.SliceDice)),
			formatRatio(c.Confusion.Dice()), formatRatio(c.Confusion.IoU()),
			formatRatio(c.Confusion.Sensitivity()), formatRatio(c.Confusion.Specificity()),
			formatRatio(c.Confusion.Precision()), formatMM(c.Surface.HD95), formatMM(c.Surface.ASSD), NewStat(c.SliceDice).Format(ratioDecimals)})
	}
	return t
}

// SiteTable renders one row per site, "mean ± std" over its cases, and a last row for all sites together.
func (r *Report) SiteTable() Table {
	t := Table{Columns: []string{"Site", "Cases", "Dice", "IoU", "Sensitivity", "Specificity", "Precision",
		"HD95 (mm)", "ASSD (mm)", "Slice Dice"}}
	for _, s := range append(slices.Clip(r.Sites), r.Overall) {
		t.Rows = append(t.Rows, []string{s.Site, strconv.Itoa(s.Cases),
			s.Dice.Format(ratioDecimals), s.IoU.Format(ratioDecimals), s.Sensitivity.Format(ratioDecimals),
			s.Specificity.Format(ratioDecimals), s.Precision.Format(ratioDecimals),
			FormatDistance(s.HD95, s.Missed, mmDecimals), FormatDistance(s.ASSD, s.Missed, mmDecimals),
			s.SliceDice.Format(ratioDecimals)})
	}
	return t
}

// FormatDistance renders a surface distance summarised over the cases not missed, "mean ± std", followed by the
// number of missed cases when there are any: "4.20 ± 1.10 (2 missed)". A set with no distance at all (every case
// missed, or none) renders as "–" with the count, never as a number.
func FormatDistance(s Stat, missed, decimals int) string {
	text := "–"
	if s.N > 0 {
		text = s.Format(decimals)
	}
	if missed > 0 || s.N == 0 {
		text += fmt.Sprintf(" (%d missed)", missed)
	}
	return text
}

// String renders the table as aligned plain text, one line per row, for logs and terminals.
func (t Table) String() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(t.Columns, "\t"))
	for _, row := range t.Rows {
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	_ = w.Flush() // Writes to a strings.Builder cannot fail.
	return b.String()
}
