package datasets

import "sync"

// BuildStacks calls build(i) for every i in [0, n) on up to workers goroutines and returns the stacks in index
// order, or the error of the lowest failing index. The phantom and the loader build their cases with it.
func BuildStacks(n, workers int, build func(i int) (*Stack, error)) ([]*Stack, error) {
	stacks, errs := make([]*Stack, n), make([]error, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range jobs {
				stacks[i], errs[i] = build(i)
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return stacks, nil
}
