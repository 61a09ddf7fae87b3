package volume

import (
	"fmt"
	"math"
	"testing"
)

// world maps a voxel index through an affine.
func world(a [4][4]float64, i, j, k int) [3]float64 {
	var w [3]float64
	for r := range 3 {
		w[r] = a[r][0]*float64(i) + a[r][1]*float64(j) + a[r][2]*float64(k) + a[r][3]
	}
	return w
}

// TestCanonicalAllOrientations builds volumes in all 48 axis orders and directions, whose voxels store their own
// flat index, and checks that Canonical gives LPS and keeps every voxel at the same world position.
func TestCanonicalAllOrientations(t *testing.T) {
	dims := []int{2, 3, 4, 2}
	perms := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for _, perm := range perms {
		for signs := range 8 {
			v := &Volume{Dims: dims, Spacing: []float64{1.5, 2, 3, 1}, Affine: identity()}
			for axis := range 3 {
				sign := 1.0
				if signs&(1<<axis) != 0 {
					sign = -1
				}
				v.Affine[perm[axis]][axis] = sign * v.Spacing[axis]
				v.Affine[axis][3] = float64(10 * (axis + 1))
			}
			v.Data = make([]float32, 2*3*4*2)
			for i := range v.Data {
				v.Data[i] = float32(i)
			}
			t.Run(fmt.Sprintf("%v/%s", perm, v.AxisCodes()), func(t *testing.T) {
				c := v.Canonical()
				if got := c.AxisCodes(); got != "LPS" {
					t.Fatalf("axis codes %q, want LPS", got)
				}
				if c.Dims[3] != 2 || len(c.Data) != len(v.Data) {
					t.Fatalf("dims %v, %d values", c.Dims, len(c.Data))
				}
				for axis := range 3 {
					if c.Spacing[perm[axis]] != v.Spacing[axis] {
						t.Errorf("spacing %v from %v with permutation %v", c.Spacing, v.Spacing, perm)
					}
				}
				for t4 := range 2 {
					for k := range c.Dims[2] {
						for j := range c.Dims[1] {
							for i := range c.Dims[0] {
								flat := int(c.Data[(((t4*c.Dims[2])+k)*c.Dims[1]+j)*c.Dims[0]+i])
								oi, oj, ok := flat%2, (flat/2)%3, (flat/6)%4
								if ot := flat / 24; ot != t4 {
									t.Fatalf("voxel (%d,%d,%d,%d) came from frame %d", i, j, k, t4, ot)
								}
								got, want := world(c.Affine, i, j, k), world(v.Affine, oi, oj, ok)
								for r := range 3 {
									if math.Abs(got[r]-want[r]) > 1e-9 {
										t.Fatalf("voxel (%d,%d,%d) is at %v, its source (%d,%d,%d) at %v",
											i, j, k, got, oi, oj, ok, want)
									}
								}
							}
						}
					}
				}
			})
		}
	}
}

// TestCanonicalDisplayConvention checks the display promise on a tiny RAS volume: in an axial slice of the
// canonical volume, row 0 is the most anterior and column 0 the patient's rightmost.
func TestCanonicalDisplayConvention(t *testing.T) {
	v := &Volume{Dims: []int{3, 2, 1}, Spacing: []float64{1, 1, 1}, Affine: identity(), // RAS: +x right, +y front.
		Data: []float32{
			1, 2, 3, // y=0 (posterior row), x = 0 (left) … 2 (right)
			4, 5, 6, // y=1 (anterior row)
		}}
	got := v.Canonical().AxialSlice(0)
	want := []float32{6, 5, 4, 3, 2, 1} // anterior row first, right-most voxel first
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("canonical axial slice %v, want %v", got, want)
		}
	}
}

func TestAxisCodesOblique(t *testing.T) {
	// 30° about z: axis 0 mostly +x, axis 1 mostly +y — with shear that polar decomposition removes.
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	v := &Volume{Affine: [4][4]float64{{c, -s + 0.3, 0, 0}, {s, c, 0, 0}, {0, 0, -2, 0}, {0, 0, 0, 1}}}
	if got := v.AxisCodes(); got != "RAI" {
		t.Errorf("axis codes %q, want RAI", got)
	}
	degenerate := &Volume{Affine: [4][4]float64{{1, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}}
	if got := degenerate.AxisCodes(); got != "R?S" {
		t.Errorf("degenerate axis codes %q, want R?S", got)
	}
}

// TestFromCanonicalUndoesCanonical maps the canonical copy of a volume back in all 48 axis orders and directions
// (and with an undetermined axis) and checks that every voxel and the grid come back exactly.
func TestFromCanonicalUndoesCanonical(t *testing.T) {
	perms := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	var cases []*Volume
	for _, perm := range perms {
		for signs := range 8 {
			v := &Volume{Dims: []int{2, 3, 4}, Spacing: []float64{1.5, 2, 3}, Affine: identity()}
			for axis := range 3 {
				sign := 1.0
				if signs&(1<<axis) != 0 {
					sign = -1
				}
				v.Affine[perm[axis]][axis] = sign * v.Spacing[axis]
				v.Affine[axis][3] = float64(7 * (axis + 1))
			}
			cases = append(cases, v)
		}
	}
	degenerate := &Volume{Dims: []int{2, 3, 4}, Spacing: []float64{1, 1, 1}, Affine: identity()}
	degenerate.Affine[1][1] = 0 // Axis 1 undetermined.
	cases = append(cases, degenerate)
	for _, v := range cases {
		v.Data = make([]float32, v.NumVoxels())
		for i := range v.Data {
			v.Data[i] = float32(i)
		}
		c := v.Canonical()
		back, err := v.FromCanonical(&Volume{Dims: c.Dims, Spacing: c.Spacing, Affine: c.Affine, Data: c.Data})
		if err != nil {
			t.Fatalf("%s: %v", v.AxisCodes(), err)
		}
		if back.Affine != v.Affine || fmt.Sprint(back.Dims, back.Spacing) != fmt.Sprint(v.Dims, v.Spacing) {
			t.Errorf("%s: grid %v %v %v, want %v %v %v", v.AxisCodes(), back.Dims, back.Spacing, back.Affine,
				v.Dims, v.Spacing, v.Affine)
		}
		for i := range v.Data {
			if back.Data[i] != v.Data[i] {
				t.Fatalf("%s: voxel %d is %g, want %g", v.AxisCodes(), i, back.Data[i], v.Data[i])
			}
		}
	}
	v := cases[3]
	if _, err := v.FromCanonical(&Volume{Dims: []int{2, 3, 5}, Spacing: []float64{1, 1, 1},
		Data: make([]float32, 30)}); err == nil {
		t.Error("FromCanonical accepted data of the wrong dims")
	}
}
