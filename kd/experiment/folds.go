package experiment

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/gokd/gokd/datasets"

	"github.com/gokd/gokd/kd/metrics"
)

// CrossValidation is an experiment run on every fold of its k-fold split (Data.Folds ≥ 2): each fold trains its
// own teachers and students and tests them on its own cases, so that every case is tested once; the students'
// comparison pools the folds' test cases.
type CrossValidation struct {
	Config Config
	// Folds holds each fold's results, fold 0 first.
	Folds []*Results
	// Comparison is the paired comparison over every fold's test cases, its intervals resampling seeds per fold
	// and cases within sites (Compare).
	Comparison *Comparison
	// Pooled holds one evaluation per model over every fold's test cases: the teacher, each limit-trained teacher
	// (by subset name) and each student kind (its Dice ± std over seeds).
	Pooled []*Evaluation
	// Baselines checks that the scratch baselines were trained as well as the method: one check per fold and
	// scratch kind.
	Baselines []BaselineCheck
	WallS     float64
}

// RunFolds runs config on each of its folds in turn (Data.Fold 0 … Folds−1), each with the Runner that open
// returns for it, and pools them. Every fold resumes from the cache like a single run.
func RunFolds(config Config, open func(Config) (*Runner, error)) (*CrossValidation, error) {
	if config.Data.Folds < 2 {
		return nil, fmt.Errorf("experiment: RunFolds needs a k-fold configuration (Data.Folds ≥ 2), got Folds %d", config.Data.Folds)
	}
	start := time.Now()
	cv := &CrossValidation{Config: config}
	for fold := range config.Data.Folds {
		c := config
		c.Data.Fold = fold
		r, err := open(c)
		if err != nil {
			return nil, fmt.Errorf("experiment: fold %d: %w", fold, err)
		}
		res, err := r.Run()
		if err != nil {
			return nil, fmt.Errorf("experiment: fold %d: %w", fold, err)
		}
		cv.Folds = append(cv.Folds, res)
		checks, err := r.BaselineChecks()
		if err != nil {
			return nil, fmt.Errorf("experiment: fold %d: %w", fold, err)
		}
		cv.Baselines = append(cv.Baselines, checks...)
	}
	if err := cv.pool(); err != nil {
		return nil, err
	}
	cv.WallS = time.Since(start).Seconds()
	return cv, nil
}

// pool builds Comparison and Pooled from Folds.
func (cv *CrossValidation) pool() error {
	students := make([]FoldStudents, len(cv.Folds))
	var teachers []*Evaluation
	siteTeachers := map[string][]*Evaluation{}
	var subsets []string
	for i, res := range cv.Folds {
		students[i] = res.Students
		teachers = append(teachers, res.Teacher)
		for _, e := range res.SiteTeachers {
			if !slices.Contains(subsets, e.Name) {
				subsets = append(subsets, e.Name)
			}
			siteTeachers[e.Name] = append(siteTeachers[e.Name], e)
		}
	}
	var err error
	if cv.Comparison, err = Compare(students, cv.Config.Primary()); err != nil {
		return err
	}
	cv.Pooled = append(cv.Pooled, poolCases(TeacherName, teachers))
	for _, name := range subsets {
		cv.Pooled = append(cv.Pooled, poolCases(name, siteTeachers[name]))
	}
	for _, kind := range cv.Config.Kinds() {
		seeds := len(cv.Config.Seeds)
		perSeed := make([]*Evaluation, seeds)
		for s := range seeds {
			var folds []*Evaluation
			for _, res := range cv.Folds {
				if evals := res.Students[kind]; s < len(evals) {
					folds = append(folds, evals[s])
				}
			}
			if len(folds) != len(cv.Folds) {
				return fmt.Errorf("experiment: pooling %s: seed %d has %d folds of %d", kind, cv.Config.Seeds[s], len(folds), len(cv.Folds))
			}
			perSeed[s] = poolCases(StudentName(kind, cv.Config.Seeds[s]), folds)
		}
		cv.Pooled = append(cv.Pooled, MeanOverSeeds(string(kind), perSeed))
	}
	return nil
}

// poolCases merges the evaluations of one model role over folds (each fold's model scored on that fold's test
// cases) into one evaluation over all their cases: Dice, per-site Dice, IoU, sensitivity and specificity are
// means over cases; slice Dice, latency and training time means over folds; HD95 and ASSD pooled over the
// cases that have a distance.
func poolCases(name string, folds []*Evaluation) *Evaluation {
	p := &Evaluation{Name: name, Over: fmt.Sprintf("cases of %d folds", len(folds)), CaseDice: map[string]float64{},
		SiteDice: map[string]float64{}, Params: folds[0].Params, FLOPsPerSlice: folds[0].FLOPsPerSlice,
		DistanceUnit: folds[0].DistanceUnit}
	n := float64(len(folds))
	var hd95, assd, iou, sens, spec float64
	for _, e := range folds {
		maps.Copy(p.CaseDice, e.CaseDice)
		cases := float64(len(e.CaseDice))
		iou, sens, spec = iou+e.IoU*cases, sens+e.Sensitivity*cases, spec+e.Specificity*cases
		p.SliceDice += e.SliceDice / n
		p.MsPerSlice += e.MsPerSlice / n
		p.MsPerSliceB8 += e.MsPerSliceB8 / n
		p.TrainWallS += e.TrainWallS
		hd95 += e.HD95MM * float64(e.SurfaceCases)
		assd += e.ASSDMM * float64(e.SurfaceCases)
		p.SurfaceCases += e.SurfaceCases
		p.MissedCases += e.MissedCases
	}
	dice := metrics.NewStat(slices.Collect(maps.Values(p.CaseDice)))
	p.Dice, p.DiceStd = dice.Mean, dice.Std
	total := float64(len(p.CaseDice))
	p.IoU, p.Sensitivity, p.Specificity = iou/total, sens/total, spec/total
	if p.SurfaceCases > 0 {
		p.HD95MM, p.ASSDMM = hd95/float64(p.SurfaceCases), assd/float64(p.SurfaceCases)
	}
	perSite := map[string][]float64{}
	for c, d := range p.CaseDice {
		site := datasets.SiteOfCaseKey(c)
		perSite[site] = append(perSite[site], d)
	}
	for site, values := range perSite {
		p.SiteDice[site] = mean(values)
	}
	return p
}

// ModelsTable lists every pooled model (EvaluationsTable).
func (cv *CrossValidation) ModelsTable() metrics.Table { return EvaluationsTable(cv.Pooled) }

// SiteTable gives each pooled model's mean case Dice per test site.
func (cv *CrossValidation) SiteTable() metrics.Table { return SiteDiceTable(cv.Pooled) }

// FoldTable gives each fold's test cases and the mean Dice, over those cases, of its teacher, its scratch baseline
// and its primary student kind (students: mean over seeds), and the primary kind's gap over scratch in points: do the
// folds agree?
func (cv *CrossValidation) FoldTable() metrics.Table {
	primary := cv.Config.Primary()
	t := metrics.Table{Columns: []string{"fold", "test cases", TeacherName, string(StudentScratch), string(primary),
		"gap (points)"}}
	for i, res := range cv.Folds {
		scratch := MeanOverSeeds(string(StudentScratch), res.Students[StudentScratch])
		p := MeanOverSeeds(string(primary), res.Students[primary])
		t.Rows = append(t.Rows, []string{fmt.Sprint(i), fmt.Sprint(len(res.Teacher.CaseDice)),
			fmt.Sprintf("%.3f", res.Teacher.Dice), fmt.Sprintf("%.3f", scratch.Dice), fmt.Sprintf("%.3f", p.Dice),
			fmt.Sprintf("%+.1f", 100*(p.Dice-scratch.Dice))})
	}
	return t
}
