package experiment

import (
	"fmt"
	"time"

	"github.com/gokd/gokd/kd/metrics"
)

// Results gathers a whole experiment: every model's evaluation and the students' comparison over seeds.
type Results struct {
	Teacher      *Evaluation
	SiteTeachers []*Evaluation
	// Students maps a student kind to its evaluations, one per seed (Config.Seeds order).
	Students map[string][]*Evaluation
	Summary  []StudentSummary // One per student kind, in StudentKinds order.
	WallS    float64          // Wall time of Run (training included unless reloaded from the cache).
	// TrainWallS adds up the training wall time of every model, whether trained now or reloaded. Models trained at
	// the same time (Runner.Parallel) each count their own, so it can exceed the wall time of the run.
	TrainWallS float64
}

// StudentSummary compares one student kind with the scratch baseline over seeds.
type StudentSummary struct {
	Kind string
	// Dice is the mean over seeds of the student's mean test-case Dice; DiceStd the spread over seeds.
	Dice, DiceStd float64
	// GapPoints is the mean over seeds of (student − scratch) Dice, in Dice points (×100), same seed paired;
	// GapStd its spread. RelativeGapPct is the mean gap relative to the scratch student's Dice, in percent.
	GapPoints, GapStd, RelativeGapPct float64
	Seeds                             int
}

// Run trains (or reloads) every model of the experiment — the teacher, the site teachers, and each student kind
// for each seed — with [Runner.TrainAll], then evaluates them one at a time (their latencies are measured on an
// otherwise idle machine).
func (r *Runner) Run() (*Results, error) {
	start := time.Now()
	if err := r.TrainAll(); err != nil {
		return nil, err
	}
	res := &Results{Students: map[string][]*Evaluation{}}
	teacher, err := r.Teacher()
	if err != nil {
		return nil, err
	}
	if res.Teacher, err = r.Evaluate(teacher); err != nil {
		return nil, err
	}
	siteTeachers, err := r.SiteTeachers()
	if err != nil {
		return nil, err
	}
	for _, t := range siteTeachers {
		e, err := r.Evaluate(t)
		if err != nil {
			return nil, err
		}
		res.SiteTeachers = append(res.SiteTeachers, e)
	}
	for _, kind := range StudentKinds {
		for _, seed := range r.Config.Seeds {
			s, err := r.Student(kind, seed)
			if err != nil {
				return nil, err
			}
			e, err := r.Evaluate(s)
			if err != nil {
				return nil, err
			}
			res.Students[kind] = append(res.Students[kind], e)
		}
	}
	res.Summary = Summarise(res.Students)
	res.WallS = time.Since(start).Seconds()
	res.TrainWallS = res.Teacher.TrainWallS
	for _, e := range res.SiteTeachers {
		res.TrainWallS += e.TrainWallS
	}
	for _, evals := range res.Students {
		for _, e := range evals {
			res.TrainWallS += e.TrainWallS
		}
	}
	return res, nil
}

// Summarise compares each student kind with StudentScratch, seed by seed.
func Summarise(students map[string][]*Evaluation) []StudentSummary {
	scratch := students[StudentScratch]
	var out []StudentSummary
	for _, kind := range StudentKinds {
		evals := students[kind]
		if len(evals) == 0 {
			continue
		}
		dice, gaps := make([]float64, len(evals)), []float64{}
		for i, e := range evals {
			dice[i] = e.Dice
			if i < len(scratch) {
				gaps = append(gaps, 100*(e.Dice-scratch[i].Dice))
			}
		}
		d, g := metrics.NewStat(dice), metrics.NewStat(gaps)
		s := StudentSummary{Kind: kind, Dice: d.Mean, DiceStd: d.Std, GapPoints: g.Mean, GapStd: g.Std, Seeds: len(evals)}
		if len(scratch) > 0 {
			base := make([]float64, len(scratch))
			for i, e := range scratch {
				base[i] = e.Dice
			}
			if b := metrics.NewStat(base).Mean; b > 0 {
				s.RelativeGapPct = 100 * (s.Dice/b - 1)
			}
		}
		out = append(out, s)
	}
	return out
}

// ModelsTable lists every model (students: mean over seeds; see Representatives).
func (res *Results) ModelsTable() metrics.Table { return EvaluationsTable(res.Representatives()) }

// EvaluationsTable lists models: test Dice (mean ± std over cases), slice Dice, HD95, parameters, FLOPs, latency
// and training time.
func EvaluationsTable(evals []*Evaluation) metrics.Table {
	t := metrics.Table{Columns: []string{"model", "Dice", "slice Dice", "HD95 mm", "params", "MFLOPs/slice", "ms/slice (b1)", "ms/slice (b8)", "train s"}}
	for _, e := range evals {
		t.Rows = append(t.Rows, []string{e.Name, fmt.Sprintf("%.3f ± %.3f", e.Dice, e.DiceStd), fmt.Sprintf("%.3f", e.SliceDice),
			fmt.Sprintf("%.1f", e.HD95MM), fmt.Sprint(e.Params), fmt.Sprintf("%.1f", float64(e.FLOPsPerSlice)/1e6),
			fmt.Sprintf("%.2f", e.MsPerSlice), fmt.Sprintf("%.2f", e.MsPerSliceB8), fmt.Sprintf("%.0f", e.TrainWallS)})
	}
	return t
}

// SummaryTable compares the student kinds over seeds.
func (res *Results) SummaryTable() metrics.Table {
	t := metrics.Table{Columns: []string{"student", "Dice (mean ± std over seeds)", "gap vs scratch (Dice points)", "relative gap", "seeds"}}
	for _, s := range res.Summary {
		t.Rows = append(t.Rows, []string{s.Kind, fmt.Sprintf("%.3f ± %.3f", s.Dice, s.DiceStd),
			fmt.Sprintf("%+.1f ± %.1f", s.GapPoints, s.GapStd), fmt.Sprintf("%+.1f%%", s.RelativeGapPct), fmt.Sprint(s.Seeds)})
	}
	return t
}

// SiteTable gives the mean case Dice per test site of every model (students: mean over seeds).
func (res *Results) SiteTable() metrics.Table { return SiteDiceTable(res.Representatives()) }

// SiteDiceTable gives the mean case Dice per test site of each model.
func SiteDiceTable(evals []*Evaluation) metrics.Table {
	if len(evals) == 0 {
		return metrics.Table{Columns: []string{"model"}}
	}
	sites := evals[0].SiteNames()
	t := metrics.Table{Columns: append([]string{"model"}, sites...)}
	for _, e := range evals {
		cells := []string{e.Name}
		for _, site := range sites {
			cells = append(cells, fmt.Sprintf("%.3f", e.SiteDice[site]))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// Representatives returns one evaluation per model: the teacher, the site teachers, and each student kind's
// mean over seeds (Dice and per-site Dice averaged; parameters and latency of the first seed).
func (res *Results) Representatives() []*Evaluation {
	var out []*Evaluation
	if res.Teacher != nil {
		out = append(out, res.Teacher)
	}
	out = append(out, res.SiteTeachers...)
	for _, kind := range StudentKinds {
		evals := res.Students[kind]
		if len(evals) == 0 {
			continue
		}
		mean := *evals[0]
		mean.Name, mean.SiteDice = kind, map[string]float64{}
		dice := make([]float64, len(evals))
		for i, e := range evals {
			dice[i] = e.Dice
			for site, d := range e.SiteDice {
				mean.SiteDice[site] += d / float64(len(evals))
			}
		}
		mean.Dice = metrics.NewStat(dice).Mean
		out = append(out, &mean)
	}
	return out
}
