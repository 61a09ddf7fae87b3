package nbexec

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// DataAbsentField is the GOKD_RESULT field in which a notebook lists the keys it could not compute because their
// input data is missing on this machine (notebook 05 without ../shared/data): `"data_absent": ["promise12"]`.
// Compare skips those keys instead of reporting a disagreement.
const DataAbsentField = "data_absent"

// Result is a notebook's GOKD_RESULT line, flattened to one value per key.
type Result struct {
	// Values holds every key: numbers (float64), strings, booleans and nulls (nil). A nested object's fields are
	// keyed "outer.inner", an array's elements "name[i]", so every number of the line is compared on its own.
	Values map[string]any
	// Absent lists the keys the notebook could not compute because their input data is missing (DataAbsentField).
	Absent []string
}

// Numbers returns the result's numeric values.
func (r *Result) Numbers() map[string]float64 {
	out := map[string]float64{}
	for k, v := range r.Values {
		if f, ok := v.(float64); ok {
			out[k] = f
		}
	}
	return out
}

// Keys returns the result's keys, sorted.
func (r *Result) Keys() []string {
	keys := make([]string, 0, len(r.Values))
	for k := range r.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsAbsent reports whether the notebook said key's input data is missing: key is named in its absent list, or
// lies inside an object or array named there ("promise12" covers "promise12.gap_points" and "promise12.w[0]").
func (r *Result) IsAbsent(key string) bool {
	return slices.ContainsFunc(r.Absent, func(a string) bool {
		return key == a || strings.HasPrefix(key, a+".") || strings.HasPrefix(key, a+"[")
	})
}

// newResult flattens the fields of a GOKD_RESULT line into a Result.
func newResult(fields map[string]any) (*Result, error) {
	r := &Result{Values: map[string]any{}}
	for k, v := range fields {
		if k == DataAbsentField {
			absent, err := stringList(v)
			if err != nil {
				return nil, fmt.Errorf("GOKD_RESULT field %q: %w", DataAbsentField, err)
			}
			r.Absent = absent
			continue
		}
		flatten(r.Values, k, v)
	}
	return r, nil
}

// flatten stores v under key in values, and the elements of an object or array under derived keys.
func flatten(values map[string]any, key string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, inner := range v {
			flatten(values, key+"."+k, inner)
		}
	case []any:
		for i, inner := range v {
			flatten(values, key+"["+strconv.Itoa(i)+"]", inner)
		}
	default:
		values[key] = v
	}
}

// stringList converts a decoded JSON array of strings.
func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want an array of key names, got %T", v)
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, fmt.Errorf("element %d is %T, want a key name", i, e)
		}
	}
	return out, nil
}
