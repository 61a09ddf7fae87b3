package datasets

import (
	"fmt"
	"testing"
)

func TestBuildStacksKeepsOrderAndReportsTheFirstError(t *testing.T) {
	stacks, err := BuildStacks(7, 3, func(i int) (*Stack, error) { return &Stack{Case: fmt.Sprint(i)}, nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range stacks {
		if s.Case != fmt.Sprint(i) {
			t.Fatalf("stack %d is case %q", i, s.Case)
		}
	}
	_, err = BuildStacks(5, 2, func(i int) (*Stack, error) {
		if i >= 2 {
			return nil, fmt.Errorf("case %d broken", i)
		}
		return &Stack{}, nil
	})
	if err == nil || err.Error() != "case 2 broken" {
		t.Fatalf("err = %v, want the lowest failing case's", err)
	}
}
