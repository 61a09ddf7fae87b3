package experiment

import (
	"fmt"
	"time"

	"github.com/gokd/gokd/kd/metrics"
)

// Results gathers a whole experiment: every model's evaluation, the tuning of each student kind and the
// students' paired comparison (the statistics and the verdict).
type Results struct {
	Teacher      *Evaluation
	SiteTeachers []*Evaluation
	// Students maps a student kind to its evaluations, one per seed (Config.Seeds order).
	Students map[StudentKind][]*Evaluation
	// Choice is the student rule's outcome; nil when Config.Student was given rather than chosen.
	Choice  *StudentChoice
	Tuning  []*Tuning        // One per student kind, in Config.Kinds order.
	Summary []StudentSummary // One per student kind, in Config.Kinds order.
	// Comparison holds the paired tests over test cases and the verdict; nil without the scratch and adaptive
	// students.
	Comparison *Comparison
	// FusionWeights maps each student kind whose fusion learns teacher weights (its kindTable entry's
	// learnsWeights) to them, mean over seeds: FusionWeights[kind][c][k] is teacher k's weight for class c
	// (teachers in SiteTeachers order), each row summing to 1 over the teachers. A kind with global weights has
	// one row; a per-class kind (StudentAdaptiveClassKD) one row per class.
	FusionWeights map[StudentKind][][]float64
	WallS         float64 // Wall time of Run (training included unless reloaded from the cache).
	// TrainWallS adds up the training wall time of every model, whether trained now or reloaded. Models trained at
	// the same time (Runner.Parallel) each count their own, so it can exceed the wall time of the run.
	TrainWallS float64
}

// addFusionWeights adds one seed's learned weights — K values, or K·C teacher-major when per class
// (train.History.FusionWeights) — divided by seeds, to the kind's running mean in FusionWeights.
func (res *Results) addFusionWeights(kind StudentKind, name string, weights []float64, teachers int, seeds float64) error {
	if teachers == 0 || len(weights)%teachers != 0 {
		return fmt.Errorf("experiment: %s: %d fusion weights for %d teachers", name, len(weights), teachers)
	}
	rows := len(weights) / teachers
	if res.FusionWeights == nil {
		res.FusionWeights = map[StudentKind][][]float64{}
	}
	mean := res.FusionWeights[kind]
	if mean == nil {
		mean = make([][]float64, rows)
		for c := range mean {
			mean[c] = make([]float64, teachers)
		}
		res.FusionWeights[kind] = mean
	}
	for t := range teachers {
		for c := range rows {
			mean[c][t] += weights[t*rows+c] / seeds
		}
	}
	return nil
}

// StudentSummary describes one student kind over seeds.
type StudentSummary struct {
	Kind StudentKind
	// Dice is the mean over seeds of the student's mean test-case Dice; DiceStd the spread over seeds.
	Dice, DiceStd float64
	Setting       Setting // The setting chosen on validation.
	Seeds         int
}

// Run trains (or reloads) every model of the experiment — the teacher, the limit-trained teachers, each student
// kind's tuning runs and its students for each seed — with [Runner.TrainAll], then evaluates them one at a time
// (their latencies are measured on an otherwise idle machine) and compares the students.
func (r *Runner) Run() (*Results, error) {
	start := time.Now()
	if err := r.TrainAll(); err != nil {
		return nil, err
	}
	res := &Results{Students: map[StudentKind][]*Evaluation{}}
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
	if res.Choice, err = r.ChooseStudent(); err != nil {
		return nil, err
	}
	seeds := float64(len(r.Config.Seeds))
	for _, kind := range r.Config.Kinds() {
		tuning, err := r.Tuned(kind)
		if err != nil {
			return nil, err
		}
		res.Tuning = append(res.Tuning, tuning)
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
			if weights := s.History.FusionWeights; len(weights) > 0 {
				if err := res.addFusionWeights(kind, s.Name, weights, len(siteTeachers), seeds); err != nil {
					return nil, err
				}
			}
		}
		d := metrics.NewStat(diceOf(res.Students[kind]))
		res.Summary = append(res.Summary, StudentSummary{Kind: kind, Dice: d.Mean, DiceStd: d.Std, Setting: tuning.Chosen,
			Seeds: len(res.Students[kind])})
		if len(tuning.ValDice) > 0 {
			for i, setting := range tuning.Candidates {
				for s := range r.Config.Tune.seeds() {
					t, err := r.tuningRun(kind, i, s, setting)
					if err != nil {
						return nil, err
					}
					res.TrainWallS += t.History.Wall.Seconds()
				}
			}
		}
	}
	if res.Comparison, err = Compare([]FoldStudents{res.Students}, r.Config.Primary()); err != nil {
		return nil, err
	}
	res.WallS = time.Since(start).Seconds()
	res.TrainWallS += res.Teacher.TrainWallS
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

// diceOf returns the mean test Dice of each evaluation.
func diceOf(evals []*Evaluation) []float64 {
	dice := make([]float64, len(evals))
	for i, e := range evals {
		dice[i] = e.Dice
	}
	return dice
}

// ModelsTable lists every model (students: mean over seeds in every column; see Representatives).
func (res *Results) ModelsTable() metrics.Table { return EvaluationsTable(res.Representatives()) }

// EvaluationsTable lists models: test Dice (mean ± std over what the "±" column says: cases for one model,
// seeds for a student kind), slice Dice, HD95 with its missed cases, parameters, FLOPs, latency and training
// time. HD95 is in the first model's DistanceUnit (mm, or voxels where the voxel size is unknown).
func EvaluationsTable(evals []*Evaluation) metrics.Table {
	unit := "mm"
	if len(evals) > 0 && evals[0].DistanceUnit != "" {
		unit = evals[0].DistanceUnit
	}
	t := metrics.Table{Columns: []string{"model", "Dice", "± over", "slice Dice", "HD95 " + unit + " (missed)", "params", "MFLOPs/slice",
		"ms/slice (b1)", "ms/slice (b8)", "train s"}}
	for _, e := range evals {
		t.Rows = append(t.Rows, []string{e.Name, fmt.Sprintf("%.3f ± %.3f", e.Dice, e.DiceStd), e.Over,
			fmt.Sprintf("%.3f", e.SliceDice), e.HD95Text(), fmt.Sprint(e.Params),
			fmt.Sprintf("%.1f", float64(e.FLOPsPerSlice)/1e6), fmt.Sprintf("%.2f", e.MsPerSlice),
			fmt.Sprintf("%.2f", e.MsPerSliceB8), fmt.Sprintf("%.0f", e.TrainWallS)})
	}
	return t
}

// SummaryTable describes the student kinds over seeds, with the setting each was given on validation.
func (res *Results) SummaryTable() metrics.Table {
	t := metrics.Table{Columns: []string{"student", "Dice (mean ± std over seeds)", "learning rate", "temperature", "KL weight", "seeds"}}
	for _, s := range res.Summary {
		temperature, kl := fmt.Sprintf("%g", s.Setting.Temperature), fmt.Sprintf("%g", s.Setting.KL)
		if !s.Kind.Distilled() {
			temperature, kl = "–", "–"
		}
		t.Rows = append(t.Rows, []string{string(s.Kind), fmt.Sprintf("%.3f ± %.3f", s.Dice, s.DiceStd),
			fmt.Sprintf("%.3g", s.Setting.LearningRate), temperature, kl, fmt.Sprint(s.Seeds)})
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

// FusionTable gives the teacher weights of the multi-teacher fusions that learn them (mean over seeds), one
// column per limit-trained teacher, one row per kind (per class for a per-class fusion), in table order; and a
// row for each fusion whose weights are computed on every input instead (per pixel or per image, not learned).
func (res *Results) FusionTable() metrics.Table {
	t := metrics.Table{Columns: []string{"fusion"}}
	for _, e := range res.SiteTeachers {
		t.Columns = append(t.Columns, e.Name)
	}
	for _, k := range kindTable {
		rows := res.FusionWeights[k.kind]
		for c, weights := range rows {
			label := fmt.Sprintf("%s weights (global, learned)", k.kind)
			if len(rows) > 1 {
				label = fmt.Sprintf("%s weights (class %d%s, learned)", k.kind, c, className(c, len(rows)))
			}
			cells := []string{label}
			for i := range res.SiteTeachers {
				cells = append(cells, fmt.Sprintf("%.3f", weights[i]))
			}
			t.Rows = append(t.Rows, cells)
		}
		if k.inputWeights != "" && len(res.Students[k.kind]) > 0 {
			cells := []string{string(k.kind) + " weights"}
			for range res.SiteTeachers {
				cells = append(cells, k.inputWeights+", not learned")
			}
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

// GlobalWeights returns a kind's learned teacher weights, mean over seeds and, for a per-class fusion, over
// classes: one per limit-trained teacher, summing to 1 (nil when the kind learned none).
func (res *Results) GlobalWeights(kind StudentKind) []float64 {
	rows := res.FusionWeights[kind]
	if len(rows) == 0 {
		return nil
	}
	out := make([]float64, len(rows[0]))
	for _, row := range rows {
		for k, w := range row {
			out[k] += w / float64(len(rows))
		}
	}
	return out
}

// HasFusions reports whether any student kind that ran fuses its teachers with weights FusionTable shows.
func (res *Results) HasFusions() bool {
	for _, k := range kindTable {
		if len(res.FusionWeights[k.kind]) > 0 || (k.inputWeights != "" && len(res.Students[k.kind]) > 0) {
			return true
		}
	}
	return false
}

// className names class c of the segmentation's classes for the tables: the two classes are the background and
// the prostate.
func className(c, classes int) string {
	switch {
	case classes == 2 && c == 0:
		return " (background)"
	case classes == 2 && c == 1:
		return " (prostate)"
	}
	return ""
}

// Representatives returns one evaluation per model: the teacher, the limit-trained teachers (each "over cases"),
// and each student kind's mean over its seeds, in every column: Dice (its ± is the std over seeds), slice Dice,
// per-site Dice, latency, training time, and HD95 pooled over seeds × cases with the missed cases counted over
// seeds × cases. Parameters and FLOPs are the architecture's, the same for every seed.
func (res *Results) Representatives() []*Evaluation {
	var out []*Evaluation
	if res.Teacher != nil {
		out = append(out, res.Teacher)
	}
	out = append(out, res.SiteTeachers...)
	for _, kind := range knownKinds() { // The kinds that ran: Config.Kinds, in its order.
		if evals := res.Students[kind]; len(evals) > 0 {
			out = append(out, MeanOverSeeds(string(kind), evals))
		}
	}
	return out
}

// MeanOverSeeds averages the evaluations of one model trained with several seeds (a student kind, an ablation
// variant), one per seed: a row named name whose Over is "N seeds" and whose DiceStd is the spread over the seeds.
func MeanOverSeeds(name string, evals []*Evaluation) *Evaluation {
	n := float64(len(evals))
	m := &Evaluation{Name: name, Over: fmt.Sprintf("%d seeds", len(evals)), SiteDice: map[string]float64{},
		CaseDice: map[string]float64{}, Params: evals[0].Params, FLOPsPerSlice: evals[0].FLOPsPerSlice,
		DistanceUnit: evals[0].DistanceUnit}
	dice := metrics.NewStat(diceOf(evals))
	m.Dice, m.DiceStd = dice.Mean, dice.Std
	var hd95, assd float64
	for _, e := range evals {
		m.SliceDice += e.SliceDice / n
		m.IoU += e.IoU / n
		m.Sensitivity += e.Sensitivity / n
		m.Specificity += e.Specificity / n
		m.MsPerSlice += e.MsPerSlice / n
		m.MsPerSliceB8 += e.MsPerSliceB8 / n
		m.TrainWallS += e.TrainWallS / n
		for site, d := range e.SiteDice {
			m.SiteDice[site] += d / n
		}
		for c, d := range e.CaseDice {
			m.CaseDice[c] += d / n
		}
		hd95 += e.HD95MM * float64(e.SurfaceCases)
		assd += e.ASSDMM * float64(e.SurfaceCases)
		m.SurfaceCases += e.SurfaceCases
		m.MissedCases += e.MissedCases
	}
	if m.SurfaceCases > 0 {
		m.HD95MM, m.ASSDMM = hd95/float64(m.SurfaceCases), assd/float64(m.SurfaceCases)
	}
	return m
}
