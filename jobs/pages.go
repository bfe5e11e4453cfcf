package jobs

import (
	"context"
	"iter"
)

// ListError is the error of a list that broke off before its end, as
// EachPage returns it: List names the list ("list ShipStation orders").
type ListError struct {
	List string
	Err  error
}

func (e *ListError) Error() string { return e.List + ": " + e.Err.Error() }

// Unwrap returns the list's error.
func (e *ListError) Unwrap() error { return e.Err }

// EachPage hands each page of pages to handle, in order, until the list
// ends (complete is true), the list or a page fails, or shutdown is
// requested: then, after the page in hand, it logs a checkpoint and reports
// complete false. A list that breaks off gives a *ListError named list;
// handle's error is returned as it is. Once the run is older than
// Env.ProgressAfter, each page handled logs one progress line (items done,
// total, rate, time left).
func EachPage[P any](ctx context.Context, run *Run, pages iter.Seq2[P, error], list string, handle func(context.Context, P) error) (complete bool, _ error) {
	prog := newProgress(run, list)
	for page, err := range pages {
		if err != nil {
			return false, &ListError{List: list, Err: err}
		}
		if err := handle(ctx, page); err != nil {
			return false, err
		}
		prog.page(page)
		if run.Stopping() {
			run.Checkpoint()
			return false, nil
		}
	}
	return true, nil
}
