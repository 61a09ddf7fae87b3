package kernelext

import (
	"fmt"
	"html"

	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/train"
	"github.com/gokd/gokd/viz/table"
)

// TrainProgress returns a live progress display for one training run, in the form experiment.Runner.Progress
// asks for: an update function for the trainer and a finish function that leaves the final curves in place.
func TrainProgress(name string) (update func(train.Progress), finish func()) {
	p := NewProgress(name)
	return func(tp train.Progress) { p.Update(tp.Step, tp.Steps, tp.Metrics) },
		func() {
			if err := p.Finish(); err != nil {
				fmt.Printf("progress of %s: %v\n", name, err)
			}
		}
}

// ShowTable displays a table of results (kd's plain metrics.Table) with a title: inline HTML in a notebook,
// aligned text elsewhere.
func ShowTable(title string, t metrics.Table) error {
	vt := table.New(t.Columns...)
	for _, row := range t.Rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		if err := vt.Add(cells...); err != nil {
			return fmt.Errorf("table %q: %w", title, err)
		}
	}
	if front.IsNotebook() {
		front.DisplayHTML("<h4>" + html.EscapeString(title) + "</h4>" + vt.HTML())
		return nil
	}
	_, err := fmt.Fprintf(textOut, "%s\n%s", title, vt.Text())
	return err
}

// NewExperiment returns the experiment runner of a notebook: config on the chosen backend (MustBackend), trained
// models cached in CacheDir (so later cells and notebooks reload them), live progress for each model trained.
// It stops the cell on an invalid configuration.
func NewExperiment(config experiment.Config) *experiment.Runner {
	r := Must1(experiment.New(MustBackend(), config, CacheDir()))
	r.Progress = TrainProgress
	return r
}
