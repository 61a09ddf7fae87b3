package experiment

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/gokd/gokd/kd/train"
	"github.com/gomlx/compute"
)

func TestZZProbe(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	backend, _ := compute.NewWithConfig("go")
	c := Default()
	c.Data.Size, _ = strconv.Atoi(os.Getenv("ZZSIZE"))
	c.Data.Sites = 3
	c.Teacher.BaseWidth, _ = strconv.Atoi(os.Getenv("ZZWIDTH"))
	c.Train.TeacherSteps, _ = strconv.Atoi(os.Getenv("ZZSTEPS"))
	c.Loss.TeacherLoss = os.Getenv("ZZLOSS")
	c.Train.LearningRate, _ = strconv.ParseFloat(os.Getenv("ZZLR"), 64)
	r, err := New(backend, c, "/tmp/zzcache")
	if err != nil {
		t.Fatal(err)
	}
	r.Log = os.Stdout
	r.Progress = func(name string) (func(train.Progress), func()) {
		return func(p train.Progress) {
			fmt.Printf("  %s %d loss %.3f dice %.3f %.0fs\n", p.Job, p.Step, p.Metrics["loss"], p.Metrics["dice"], p.Elapsed.Seconds())
		}, func() {}
	}
	tr, err := r.Teacher()
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Evaluate(tr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("TEACHER dice %.3f ± %.3f slice %.3f sites %v ms/step %.0f wall %.0f\n", e.Dice, e.DiceStd, e.SliceDice, e.SiteDice, tr.History.StepMS, tr.History.Wall.Seconds())
}
