package nbexec

import (
	"strings"
	"testing"
)

// result parses one GOKD_RESULT line for the tests.
func result(t *testing.T, line string) *Result {
	t.Helper()
	nb := &Notebook{Cells: []Cell{{Type: "code", Outputs: []Output{{Type: "stream", Name: "stdout", Text: Text(ResultPrefix + line + "\n")}}}}}
	r, err := nb.Results()
	if err != nil || r == nil {
		t.Fatalf("Results(%s) = %v, %v", line, r, err)
	}
	return r
}

func TestResultsFlattenNestedValues(t *testing.T) {
	r := result(t, `{"a": 1, "six": {"gap": 2.5, "verdict": "reproduced"}, "w": [0.25, 0.75], "hd95": null, "ok": true, "data_absent": ["x"]}`)
	want := map[string]any{"a": 1.0, "six.gap": 2.5, "six.verdict": "reproduced", "w[0]": 0.25, "w[1]": 0.75, "hd95": nil, "ok": true}
	if len(r.Values) != len(want) {
		t.Errorf("Values = %v, want %v", r.Values, want)
	}
	for k, v := range want {
		if got, ok := r.Values[k]; !ok || got != v {
			t.Errorf("Values[%q] = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if !r.IsAbsent("x") || len(r.Absent) != 1 {
		t.Errorf("Absent = %v, want [x]", r.Absent)
	}
}

func TestCompare(t *testing.T) {
	const notebook = "notebooks/99_test.ipynb"
	Tolerances["99_test.ipynb"] = map[string]Tolerance{"noisy": {Abs: 0.01, Why: "test"}}
	defer delete(Tolerances, "99_test.ipynb")
	for _, tc := range []struct {
		name, saved, fresh string
		key                string
		agree, skipped     bool
		rule               string
	}{
		{"equal number", `{"dice": 0.8196066584769977}`, `{"dice": 0.8196066584769977}`, "dice", true, false, RuleExact},
		{"number edited in its last digit", `{"dice": 0.8196066584769977}`, `{"dice": 0.8196066584769978}`, "dice", false, false, RuleExact},
		{"number within the old ±0.01", `{"dice": 0.90}`, `{"dice": 0.905}`, "dice", false, false, RuleExact},
		{"count", `{"student_params": 1000}`, `{"student_params": 1001}`, "student_params", false, false, RuleExact},
		{"timing", `{"wall_s": 100}`, `{"wall_s": 300}`, "wall_s", true, false, RuleTiming},
		{"timing nested", `{"six": {"wall_s": 1}}`, `{"six": {"wall_s": 2}}`, "six.wall_s", true, false, RuleTiming},
		{"string", `{"verdict": "reproduced"}`, `{"verdict": "partial"}`, "verdict", false, false, RuleExact},
		{"nested number", `{"six": {"gap": 10.1}}`, `{"six": {"gap": 10.2}}`, "six.gap", false, false, RuleExact},
		{"array element", `{"w": [0.5, 0.5]}`, `{"w": [0.5, 0.4]}`, "w[1]", false, false, RuleExact},
		{"null kept", `{"hd95": null}`, `{"hd95": null}`, "hd95", true, false, RuleExact},
		{"key gone", `{"gone": 1}`, `{}`, "gone", false, false, RuleExact},
		{"key new", `{}`, `{"new": 1}`, "new", false, false, RuleExact},
		{"data absent now", `{"real_dice": 0.7}`, `{"data_absent": ["real_dice"]}`, "real_dice", true, true, RuleDataAbsent},
		{"data absent when committed", `{"data_absent": ["real_dice"]}`, `{"real_dice": 0.7}`, "real_dice", true, true, RuleSavedDataAbsent},
		{"absent object", `{"p12": {"gap": 9.1, "w": [1]}}`, `{"data_absent": ["p12"]}`, "p12.gap", true, true, RuleDataAbsent},
		{"absent object's array", `{"data_absent": ["p12"]}`, `{"p12": {"gap": 9.1, "w": [1]}}`, "p12.w[0]", true, true, RuleSavedDataAbsent},
		{"absent name is no prefix of another key", `{"p12x": 1}`, `{"data_absent": ["p12"]}`, "p12x", false, false, RuleExact},
		{"absent named but printed", `{"real_dice": 0.7}`, `{"real_dice": 0.6, "data_absent": ["real_dice"]}`, "real_dice", false, false, RuleExact},
		{"tolerated within", `{"noisy": 0.50}`, `{"noisy": 0.505}`, "noisy", true, false, "±0.01 (test)"},
		{"tolerated beyond", `{"noisy": 0.50}`, `{"noisy": 0.52}`, "noisy", false, false, "±0.01 (test)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *Comparison
			for _, c := range Compare(notebook, result(t, tc.saved), result(t, tc.fresh)) {
				if c.Key == tc.key {
					got = &c
				}
			}
			if got == nil {
				t.Fatalf("no comparison of %q", tc.key)
			}
			if got.Agree != tc.agree || got.Skipped != tc.skipped || got.Rule != tc.rule {
				t.Errorf("%s: agree=%v skipped=%v rule=%q; want %v %v %q", tc.key, got.Agree, got.Skipped, got.Rule,
					tc.agree, tc.skipped, tc.rule)
			}
		})
	}
}

func TestVerificationReport(t *testing.T) {
	for _, tc := range []struct {
		name, saved, fresh string
		agrees             bool
		table, summary     []string
	}{
		{"agrees with data absent", `{"a": 1, "real_dice": 0.7}`, `{"a": 1, "data_absent": ["real_dice"]}`, true,
			[]string{"real_dice  0.7    missing  data absent (skipped)  skipped"}, []string{"AGREES (data absent (skipped): real_dice)"}},
		{"disagreement shows every digit", `{"dice": 0.8196066584769977}`, `{"dice": 0.8196066584769978}`, false,
			[]string{"0.8196066584769977", "0.8196066584769978", "NO"}, []string{"DISAGREES"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verification{Notebook: "nb.ipynb", Run: &Run{},
				Comparisons: Compare("nb.ipynb", result(t, tc.saved), result(t, tc.fresh))}
			var table strings.Builder
			if err := v.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			summary := v.Summary("out/nb.ipynb")
			if v.Agrees() != tc.agrees {
				t.Errorf("Agrees() = %v, want %v", v.Agrees(), tc.agrees)
			}
			for _, w := range tc.table {
				if !strings.Contains(table.String(), w) {
					t.Errorf("table lacks %q:\n%s", w, table.String())
				}
			}
			for _, w := range tc.summary {
				if !strings.Contains(summary, w) {
					t.Errorf("summary lacks %q: %s", w, summary)
				}
			}
		})
	}
}
