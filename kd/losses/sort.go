package losses

import (
	"math"
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	. "github.com/gomlx/gomlx/support/exceptions"
)

// sortByError sorts each column of errors [N, G] (≥ 0) in descending order, and returns, for each rank, the
// foreground [G, N] (0 or 1, in errors' dtype) and the row (pixel index) [G, N] int32 of the pixel at that rank.
// Among equal errors the order is unspecified: the Lovász extension does not depend on it.
//
// The sort moves a single int64 tensor: for float32 (and narrower) errors, the key packs the error's bits (a
// non-negative float orders as its bit pattern) above the foreground bit and the row, so the foreground and the
// permutation come out of the sorted keys, with no Gather. float64 errors have no room for the payload, so they are
// sorted with the payload (foreground and row) as a second tensor.
func sortByError(errors, foreground *Node) (sortedForeground, positions *Node) {
	g := errors.Graph()
	numPixels, numGroups := errors.Shape().Dim(0), errors.Shape().Dim(1)
	size := 1 // Rows padded to a power of two for the sorting network.
	for size < numPixels {
		size *= 2
	}
	if size > 1<<30 {
		Panicf("losses: Lovász sort of %d pixels: at most 2^30 are supported", numPixels)
	}
	payload := Add(MulScalar(ConvertDType(foreground, dtypes.Int64), int64(size)), // foreground·size + row.
		Iota(g, shapes.Make(dtypes.Int64, numPixels, numGroups), 0))
	var keys *Node
	if errors.DType() == dtypes.Float64 {
		// Clearing the sign bit maps −0 to +0; errors are otherwise ≥ 0.
		keys = BitwiseAnd(Bitcast(errors, dtypes.Int64), Const(g, int64(math.MaxInt64)))
	} else {
		bits := BitwiseAnd(Bitcast(ConvertDType(errors, dtypes.Float32), dtypes.Int32), Const(g, int32(math.MaxInt32)))
		keys = Add(MulScalar(ConvertDType(bits, dtypes.Int64), int64(2*size)), payload)
		payload = nil
	}
	if size > numPixels { // Padding keys sort below every real key, so they come last and are dropped.
		padding := BroadcastToDims(Scalar(g, dtypes.Int64, -1), size-numPixels, numGroups)
		keys = Concatenate([]*Node{keys, padding}, 0)
		if payload != nil {
			payload = Concatenate([]*Node{payload, padding}, 0)
		}
	}
	keys, payload = sortDescending(keys, payload)
	if payload == nil {
		payload = BitwiseAnd(keys, Scalar(g, dtypes.Int64, 2*size-1))
	}
	if size > numPixels {
		payload = SliceAxis(payload, 1, AxisRange(0, numPixels))
	}
	isForeground := NotEqual(BitwiseAnd(payload, Scalar(g, dtypes.Int64, size)), ScalarZero(g, dtypes.Int64))
	sortedForeground = ConvertDType(isForeground, errors.DType())
	positions = ConvertDType(BitwiseAnd(payload, Scalar(g, dtypes.Int64, size-1)), dtypes.Int32)
	return sortedForeground, positions
}

// bitonicStagesPerPass is how many stages of the sorting network one pass of Slices and one Concatenate serve.
// More stages per pass mean fewer (slow, element-by-element) Slices but 2^stages pieces, and so more graph nodes
// (each with a fixed cost); 3 measured best on the Go backend at 2^15 and 2^17 elements.
const bitonicStagesPerPass = 3

// sortDescending sorts each column of keys [N, G] (an integer dtype, N a power of two) in descending order and
// returns the columns as rows [G, N]; payload (nil, or [N, G] of any dtype) is permuted along with the keys.
//
// It is a bitonic sorting network of element-wise operations, log₂N·(log₂N+1)/2 stages, instead of graph.SortFunc,
// whose comparator closure the Go backend runs once per comparison (45 s for the pixels of an [8, 128, 128, 2]
// batch). It is shaped for the Go backend's costs, where the number and kind of full passes over the data matter,
// not arithmetic:
//
//   - The element index is seen as log₂N bits, and a stage compare-exchanges the elements that differ only in one
//     bit. A pass runs bitonicStagesPerPass consecutive stages: it slices the data into the 2^k pieces that fix the
//     k bits, compare-exchanges whole pieces with Max and Min, and concatenates the pieces on the leading axis (a
//     block copy). The memory layout is thus a permutation of the index bits, tracked at graph-building time: each
//     pass moves its bits to the top. One Transpose restores the natural order at the end.
//   - Each comparison puts the larger key first; ascending blocks are handled by storing their keys bitwise-negated
//     (an order-reversing bijection of int64), switched once per phase by flipDirections, instead of selecting by a
//     direction mask at every stage.
//   - The G independent columns are the innermost axis, so they never break the pieces' contiguous runs.
//
// The network compiles unchanged on XLA.
func sortDescending(keys, payload *Node) (sortedKeys, sortedPayload *Node) {
	size, numGroups := keys.Shape().Dim(0), keys.Shape().Dim(1)
	numBits := 0
	for 1<<numBits < size {
		numBits++
	}
	if 1<<numBits != size {
		Panicf("losses: sortDescending of %d elements: not a power of two", size)
	}
	columns := []*Node{keys}
	if payload != nil {
		columns = append(columns, payload)
	}
	// layout[axis] is the index bit stored at that axis of the [2, …, 2, G] view, outermost first. Any initial
	// layout sorts (the input is unordered); bit-reversed keeps the bits that are compared last (the high ones)
	// innermost, so early passes slice long contiguous runs.
	layout := make([]int, numBits)
	for axis := range layout {
		layout[axis] = axis
	}
	flippedBit := -1 // The keys of indices with this bit set are stored negated; -1 for none.
	for phase := range numBits {
		// Phase p merges bitonic blocks of 2^(p+1) elements into sorted ones, descending where bit p+1 of the
		// index is clear and ascending where it is set; the last phase sorts everything descending.
		directionBit := phase + 1
		if directionBit == numBits {
			directionBit = -1
		}
		columns[0] = flipDirections(columns[0], numGroups, layout, flippedBit, directionBit)
		flippedBit = directionBit
		for top := phase; top >= 0; top -= bitonicStagesPerPass {
			var bits []int
			for bit := top; bit >= 0 && bit > top-bitonicStagesPerPass; bit-- {
				bits = append(bits, bit)
			}
			columns, layout = bitonicPass(columns, numGroups, layout, bits)
		}
	}
	for i := range columns {
		columns[i] = naturalLayout(columns[i], numGroups, layout)
	}
	if payload == nil {
		return columns[0], nil
	}
	return columns[0], columns[1]
}

// flipDirections bitwise-negates keys (flat, in the given layout of index bits then G) where exactly one of the
// index bits fromBit and toBit is set (-1: no bit), switching which blocks are stored negated from those of fromBit
// to those of toBit. The mask is a constant built at graph-building time.
func flipDirections(keys *Node, numGroups int, layout []int, fromBit, toBit int) *Node {
	size := 1 << len(layout)
	mask := make([]bool, size*numGroups)
	for position := range size {
		flip := false
		for axis, bit := range layout {
			if (bit == fromBit || bit == toBit) && position>>(len(layout)-1-axis)&1 == 1 {
				flip = !flip
			}
		}
		for group := range numGroups {
			mask[position*numGroups+group] = flip
		}
	}
	if !slices.Contains(mask, true) {
		return keys
	}
	keys = Reshape(keys, size*numGroups)
	return Where(Const(keys.Graph(), mask), BitwiseNot(keys), keys)
}

// bitonicPass runs the network's stages for the index bits `bits` (in this order) on columns (the keys, then an
// optional payload), stored in the given layout. It returns the columns and their new layout, with bits on top.
func bitonicPass(columns []*Node, numGroups int, layout []int, bits []int) ([]*Node, []int) {
	// View the data with one axis of 2 per sliced bit, merging the runs of other bits (and G, innermost).
	var dims, rest []int
	bitAxis := make(map[int]int, len(bits))
	run := 0
	for _, bit := range layout {
		if !slices.Contains(bits, bit) {
			run++
			rest = append(rest, bit)
			continue
		}
		if run > 0 {
			dims = append(dims, 1<<run)
			run = 0
		}
		bitAxis[bit] = len(dims)
		dims = append(dims, 2)
	}
	if innermost := (1 << run) * numGroups; innermost > 1 {
		dims = append(dims, innermost)
	}
	for c, column := range columns {
		columns[c] = Reshape(column, dims...)
	}
	// pieces[index][c]: column c's elements whose bits are given by index, bits[0] as its most significant bit.
	pieces := make([][]*Node, 1<<len(bits))
	for index := range pieces {
		specs := make([]SliceAxisSpec, len(dims))
		for axis := range specs {
			specs[axis] = AxisRange()
		}
		for i, bit := range bits {
			specs[bitAxis[bit]] = AxisElem(index >> (len(bits) - 1 - i) & 1)
		}
		for _, column := range columns {
			pieces[index] = append(pieces[index], Slice(column, specs...))
		}
	}
	for i := range bits {
		mask := 1 << (len(bits) - 1 - i)
		for index := range pieces {
			if index&mask == 0 {
				pieces[index], pieces[index|mask] = compareExchange(pieces[index], pieces[index|mask])
			}
		}
	}
	for c := range columns {
		parts := make([]*Node, len(pieces))
		for index := range parts {
			parts[index] = pieces[index][c]
		}
		columns[c] = Concatenate(parts, 0)
	}
	return columns, slices.Concat(bits, rest)
}

// compareExchange returns the element-wise larger and smaller of a and b (each: keys, then an optional payload),
// ordered by the keys.
func compareExchange(a, b []*Node) (larger, smaller []*Node) {
	if len(a) == 1 {
		return []*Node{Max(a[0], b[0])}, []*Node{Min(a[0], b[0])}
	}
	swap := LessThan(a[0], b[0])
	larger, smaller = make([]*Node, len(a)), make([]*Node, len(a))
	for i := range a {
		larger[i], smaller[i] = Where(swap, b[i], a[i]), Where(swap, a[i], b[i])
	}
	return larger, smaller
}

// naturalLayout reorders x (flat, in the given layout of index bits then G) to [G, N] in natural index order, with
// one Transpose of its runs of consecutive bits (none if it is already in order).
func naturalLayout(x *Node, numGroups int, layout []int) *Node {
	var runTops, dims []int // Runs of consecutive bits, descending, are contiguous in both layouts.
	for axis, bit := range layout {
		if axis > 0 && layout[axis-1] == bit+1 {
			dims[len(dims)-1] *= 2
			continue
		}
		runTops = append(runTops, bit)
		dims = append(dims, 2)
	}
	dims = append(dims, numGroups)
	permutation := []int{len(runTops)} // G first, then the runs from the highest bits down.
	for run := range runTops {
		permutation = append(permutation, run)
	}
	slices.SortFunc(permutation[1:], func(a, b int) int { return runTops[b] - runTops[a] })
	if numGroups == 1 && slices.IsSorted(permutation[1:]) {
		return Reshape(x, 1, -1)
	}
	return Reshape(TransposeAllDims(Reshape(x, dims...), permutation...), numGroups, -1)
}
