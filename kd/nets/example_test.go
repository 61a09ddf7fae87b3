package nets_test

import (
	"fmt"

	"github.com/gokd/gokd/kd/nets"
)

// The default teacher and student U-Nets: their sizes and cost per 128×128 slice. Building them in a graph
// is Config.Apply (or Logits) inside a model function.
func ExampleStudent() {
	teacher, student := nets.Teacher(), nets.Student()
	for _, c := range []*nets.Config{teacher, student} {
		fmt.Printf("%s: %d parameters, %.2f GFLOP per slice, input side a multiple of %d\n",
			c, c.ParamCount(), float64(c.FLOPsPerSlice(128))/1e9, c.SizeDivisor())
	}
	fmt.Printf("the student has %.0f× fewer parameters\n", float64(teacher.ParamCount())/float64(student.ParamCount()))
	// Output:
	// U-Net(levels=4, widths=[16 32 64 128], conv=standard, norm=group, in=1, classes=2): 487730 parameters, 1.33 GFLOP per slice, input side a multiple of 8
	// U-Net(levels=4, widths=[8 16 32 64], conv=separable, norm=group, in=1, classes=2, stem=2): 17948 parameters, 0.02 GFLOP per slice, input side a multiple of 16
	// the student has 27× fewer parameters
}
