package experiment

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/kd/runcache"
	"github.com/gokd/gokd/kd/stats"
)

// TestRealCaseMultiTeacherSmoke runs the whole multi-teacher pipeline on the team's shared real case (Data.Source
// "pair" without paths): three slab teachers, each on one contiguous slab of the case's training slices, every
// student kind, the mean and adaptive students fusing all three teachers, and a comparison that reports too few
// test cases instead of a verdict. Tiny steps: it checks the plumbing on real pixels, not the numbers.
func TestRealCaseMultiTeacherSmoke(t *testing.T) {
	if _, _, err := shared.RealCase("."); err != nil {
		t.Skipf("shared real prostate case not available, smoke run on real data skipped: %v", err)
	}
	c := tinyConfig()
	c.Data = DataConfig{Source: "pair", Size: 32, TestFraction: 1.0 / 3}
	r, d := newRunner(t, c)
	k := DefaultSlabTeachers
	if !slices.Equal(d.TeacherSubsets, []string{"slab1", "slab2", "slab3"}) || len(d.TeacherTrain) != k {
		t.Fatalf("limit-trained teachers on %v, want %d slabs", d.TeacherSubsets, k)
	}
	// The slabs partition the training slices, contiguous and in order.
	var indices []int
	for i, slab := range d.TeacherTrain {
		if len(slab) == 0 {
			t.Fatalf("slab %d is empty", i+1)
		}
		for _, s := range slab {
			indices = append(indices, s.Index)
		}
	}
	var train []int
	for _, s := range d.Train {
		train = append(train, s.Index)
	}
	slices.Sort(train)
	if !slices.Equal(indices, train) {
		t.Errorf("slabs hold slices %v, want the training slices %v in order", indices, train)
	}
	t.Logf("real case at %d²: %d training slices in slabs of %d, %d, %d; %d held-out slices", c.Data.Size,
		len(d.Train), len(d.TeacherTrain[0]), len(d.TeacherTrain[1]), len(d.TeacherTrain[2]), len(d.Test))

	res, err := r.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SiteTeachers) != k {
		t.Errorf("%d limit-trained teachers evaluated, want %d", len(res.SiteTeachers), k)
	}
	for _, kind := range StudentKinds {
		if len(res.Students[kind]) != len(c.Seeds) {
			t.Errorf("%s: %d evaluations, want one per seed", kind, len(res.Students[kind]))
		}
		for _, e := range res.Students[kind] {
			if e.Dice < 0 || e.Dice > 1 || len(e.CaseDice) != 1 {
				t.Errorf("%s: implausible evaluation %+v", kind, e)
			}
		}
	}
	// The multi-teacher students were trained with every slab teacher.
	teachers, err := r.SiteTeachers()
	if err != nil {
		t.Fatal(err)
	}
	var teacherKeys []string
	for _, teacher := range teachers {
		teacherKeys = append(teacherKeys, teacher.Key)
	}
	for _, kind := range []StudentKind{StudentMeanKD, StudentAdaptiveKD} {
		s, err := r.Student(kind, c.Seeds[0])
		if err != nil {
			t.Fatal(err)
		}
		var key modelKey
		if err := runcache.ReadJSON(filepath.Join(r.Cache.Dir, s.Key, "config.json"), &key); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(key.Teachers, teacherKeys) {
			t.Errorf("%s distilled from %v, want the %d slab teachers %v", kind, key.Teachers, k, teacherKeys)
		}
	}
	sum := 0.0
	weights := res.GlobalWeights(StudentAdaptiveKD)
	for _, w := range weights {
		sum += w
	}
	if len(weights) != k || math.Abs(sum-1) > 1e-5 {
		t.Errorf("adaptive fusion weights %v, want %d summing to 1", weights, k)
	}
	cmp := res.Comparison
	if cmp == nil || cmp.Verdict != stats.NotTested || cmp.Cases != 1 || len(cmp.Tests) != 0 || cmp.Reason == "" {
		t.Fatalf("comparison %+v, want no tests over the 1 pseudo test case and verdict %q", cmp, stats.NotTested)
	}
	t.Logf("%s\n%s\nverdict: %s", res.ModelsTable(), res.FusionTable(), cmp.Explain())
}
