package experiment

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gokd/gokd/kd/deploy"
)

// trainingFactor is how many times a training step's memory exceeds inference's for the same batch: the
// activations kept for the backward pass and their gradients ([deploy.ActivationBytes] is inference's estimate).
const trainingFactor = 2

// fallbackMemory is the memory assumed when the machine's cannot be read (no /proc/meminfo).
const fallbackMemory = 64 << 30

// validateResources checks the values Validate's structural checks leave out — learning rates, temperatures,
// loss weights, fractions, the phantom's counts — and then that the configuration's memory estimate
// ([Config.MemoryEstimate]) fits this machine's memory: an absurd size fails here, naming the field and the
// estimate, instead of crashing the Go runtime with a fatal out-of-memory once allocation starts.
func (c Config) validateResources() error {
	if err := c.validateValues(); err != nil {
		return err
	}
	return c.checkMemory(machineMemory())
}

// numericField is a configuration field's name and value, for the range checks.
type numericField struct {
	name  string
	value float64
}

// fieldsOf lists values under one field name.
func fieldsOf(name string, values []float64) []numericField {
	out := make([]numericField, len(values))
	for i, v := range values {
		out[i] = numericField{name, v}
	}
	return out
}

// validateValues checks the numeric fields that must be positive, or non-negative, and finite.
func (c Config) validateValues() error {
	positive := append([]numericField{{"Train.LearningRate", c.Train.LearningRate},
		{"Train.StudentLearningRate", c.Train.StudentLearningRate}, {"Loss.Temperature", c.Loss.Temperature}},
		append(fieldsOf("Tune.LearningRates", c.Tune.LearningRates), fieldsOf("Tune.Temperatures", c.Tune.Temperatures)...)...)
	for _, f := range positive {
		if !(f.value > 0) || math.IsInf(f.value, 0) {
			return fmt.Errorf("experiment: %s %g: want a positive finite number", f.name, f.value)
		}
	}
	l := c.Loss
	nonNegative := append([]numericField{{"Loss.Dice", l.Dice}, {"Loss.Lovasz", l.Lovasz}, {"Loss.KL", l.KL},
		{"Loss.Hint", l.Hint}, {"Loss.Attention", l.Attention}, {"Loss.CrossEntropy", l.CrossEntropy},
		{"Data.SiteShift", c.Data.SiteShift}, {"Data.ValFraction", c.Data.ValFraction},
		{"Data.TestFraction", c.Data.TestFraction}}, fieldsOf("Tune.KLWeights", c.Tune.KLWeights)...)
	for _, f := range nonNegative {
		if !(f.value >= 0) || math.IsInf(f.value, 0) {
			return fmt.Errorf("experiment: %s %g: want a non-negative finite number", f.name, f.value)
		}
	}
	if src := c.Data.Source; (src == "" || src == SourcePhantom) &&
		(c.Data.Sites < 1 || c.Data.CasesPerSite < 1 || c.Data.SlicesPerCase < 1) {
		return fmt.Errorf("experiment: the phantom needs Data.Sites, Data.CasesPerSite and Data.SlicesPerCase ≥ 1, "+
			"not %d, %d and %d", c.Data.Sites, c.Data.CasesPerSite, c.Data.SlicesPerCase)
	}
	if src := c.Data.Source; (src == "" || src == SourcePhantom) && c.Data.CasesPerSite < 2 {
		return fmt.Errorf("experiment: Data.CasesPerSite %d: the phantom needs at least 2 cases per site, since the "+
			"split is by case and each site's teacher needs a case to train on besides those held out", c.Data.CasesPerSite)
	}
	if c.StudentCasesPerSite < 0 || c.RandomTeachers < 0 || c.RandomTeacherCases < 0 || c.SemiLabelledRepeat < 0 {
		return fmt.Errorf("experiment: StudentCasesPerSite %d, RandomTeachers %d, RandomTeacherCases %d and "+
			"SemiLabelledRepeat %d: want 0 or more", c.StudentCasesPerSite, c.RandomTeachers, c.RandomTeacherCases,
			c.SemiLabelledRepeat)
	}
	return nil
}

// MemoryEstimate is the memory a configuration needs at least, by part, in bytes (float64: an absurd
// configuration's estimate overflows no integer).
type MemoryEstimate struct {
	// Slice is one slice's training memory in the larger network at Data.Size² (activations, gradients).
	Slice float64
	// Step is one training step's: Slice times Train.BatchSize.
	Step float64
	// Data is the phantom's images and masks: Data.Sites × Data.CasesPerSite × Data.SlicesPerCase slices of
	// Data.Size², a float32 image and an int32 mask per pixel (0 for real data, whose size the files decide).
	Data float64
}

// MemoryEstimate estimates the memory that c needs, from its fields alone.
func (c Config) MemoryEstimate() MemoryEstimate {
	var e MemoryEstimate
	size := float64(c.Data.Size)
	for _, spec := range append([]NetSpec{c.Teacher, c.Student}, c.StudentCandidates...) {
		e.Slice = max(e.Slice, trainingFactor*deploy.ActivationBytes(spec.Net().Architecture(), size, 1))
	}
	e.Step = e.Slice * float64(c.Train.BatchSize)
	if src := c.Data.Source; src == "" || src == SourcePhantom {
		e.Data = float64(c.Data.Sites) * float64(c.Data.CasesPerSite) * float64(c.Data.SlicesPerCase) * size * size * 8
	}
	return e
}

// checkMemory refuses an estimate beyond available bytes, naming the fields that make it.
func (c Config) checkMemory(available float64) error {
	e := c.MemoryEstimate()
	switch {
	case e.Slice > available:
		return fmt.Errorf("experiment: Data.Size %d: one %d² slice needs about %s to train, more than this "+
			"machine's %s", c.Data.Size, c.Data.Size, bytesText(e.Slice), bytesText(available))
	case e.Step > available:
		return fmt.Errorf("experiment: Train.BatchSize %d: a training step needs about %s (%s per %d² slice), more "+
			"than this machine's %s", c.Train.BatchSize, bytesText(e.Step), bytesText(e.Slice), c.Data.Size,
			bytesText(available))
	case e.Data+e.Step > available:
		return fmt.Errorf("experiment: Data.Sites × Data.CasesPerSite × Data.SlicesPerCase = %d × %d × %d phantom "+
			"slices of %d² need about %s, with %s per training step, more than this machine's %s", c.Data.Sites,
			c.Data.CasesPerSite, c.Data.SlicesPerCase, c.Data.Size, bytesText(e.Data), bytesText(e.Step),
			bytesText(available))
	}
	return nil
}

// bytesText writes a byte count in GiB (or MiB below one GiB).
func bytesText(b float64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.3g GiB", b/(1<<30))
}

// machineMemory returns this machine's physical memory in bytes (MemTotal of /proc/meminfo), or fallbackMemory.
func machineMemory() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return fallbackMemory
	}
	defer func() { _ = f.Close() }() // Read-only.
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			if kB, err := strconv.ParseFloat(fields[1], 64); err == nil && kB > 0 {
				return kB * 1024
			}
		}
	}
	return fallbackMemory
}
