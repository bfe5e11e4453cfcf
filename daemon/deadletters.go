package daemon

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/state"
)

// The actions of `shipsync deadletters`.
const (
	DeadLettersList  = "list"
	DeadLettersRetry = "retry"
	DeadLettersDrop  = "drop"
)

// DeadLetters is `shipsync deadletters list|retry|drop`: it logs the dead
// letters of job (every job when "") or only the one with id, and with retry
// makes them eligible on their job's next run, with drop removes them from the
// list and keeps them skipped for good. It ends with a line counting them, and
// logs why it failed.
func (a *App) DeadLetters(ctx context.Context, action, job, id string) error {
	items, err := a.ListDeadLetters(ctx, job, id)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range items {
		n++
		if err := a.deadLetter(ctx, action, d); err != nil {
			return err
		}
	}
	// A dropped item is no longer listed; retry --job J --id ID still lifts
	// the drop, so the item is processed again.
	if action == DeadLettersRetry && n == 0 && job != "" && id != "" {
		lifted, err := a.retryDeadLetter(ctx, job, id)
		if err != nil {
			return err
		}
		if lifted {
			n = 1
			a.Log.Info().Str("event", "dead_letter").Str("job", job).Str("item_id", id).Msg("drop lifted: will be processed on the next run")
		}
	}
	a.Log.Info().Str("event", "dead_letters_"+action).Int("items", n).Msg(deadLettersSummary(action, n))
	return nil
}

// ListDeadLetters returns the dead letters of job (every job when "") or
// only the one with id, and logs why it cannot.
func (a *App) ListDeadLetters(ctx context.Context, job, id string) ([]state.DeadLetter, error) {
	items, err := a.Store.DeadLetters(ctx, job)
	if err != nil {
		a.Log.Error().Err(err).Msg("cannot read dead letters")
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	if id == "" {
		return items, nil
	}
	var out []state.DeadLetter
	for _, d := range items {
		if d.ID == id {
			out = append(out, d)
		}
	}
	return out, nil
}

// OrderNumber is the order number a dead letter's detail names, or "".
func OrderNumber(d state.DeadLetter) string {
	var detail struct {
		OrderNumber string `json:"order_number"`
	}
	if d.Detail == "" || json.Unmarshal([]byte(d.Detail), &detail) != nil {
		return ""
	}
	return detail.OrderNumber
}

// deadLetter logs d and applies action to it.
func (a *App) deadLetter(ctx context.Context, action string, d state.DeadLetter) error {
	ev := a.Log.Info().Str("event", "dead_letter").Str("job", d.Job).Str("item_id", d.ID).
		Str("order_number", OrderNumber(d)).Str("reason", d.Reason).Time("at", d.At).Int("attempts", d.Attempts)
	if d.Detail != "" && json.Valid([]byte(d.Detail)) {
		ev = ev.RawJSON("detail", []byte(d.Detail))
	}
	switch action {
	case DeadLettersRetry:
		if _, err := a.retryDeadLetter(ctx, d.Job, d.ID); err != nil {
			return err
		}
		ev.Msg(retryNote(d.Job))
	case DeadLettersDrop:
		if _, err := a.Store.DropDeadLetter(ctx, d.Job, d.ID); err != nil {
			a.Log.Error().Err(err).Str("job", d.Job).Str("item_id", d.ID).Msg("drop failed")
			return fmt.Errorf("drop dead letter %s of %s: %w", d.ID, d.Job, err)
		}
		ev.Msg("dropped: will not be processed again")
	default:
		ev.Msg("dead letter")
	}
	return nil
}

// retryDeadLetter makes the item id of job eligible again, and reports
// whether it was dead-lettered or dropped.
func (a *App) retryDeadLetter(ctx context.Context, job, id string) (bool, error) {
	lifted, err := a.Store.RetryDeadLetter(ctx, job, id)
	if err != nil {
		a.Log.Error().Err(err).Str("job", job).Str("item_id", id).Msg("retry failed")
		return false, fmt.Errorf("retry dead letter %s of %s: %w", id, job, err)
	}
	return lifted, nil
}

// retryNote says when a retried dead letter of job is processed again: when
// the job next lists its item. push-orders lists every open order on every
// run, get-orders its whole window at every sweep; the jobs that read by
// cursor list an item again only within their cursor's overlap, and past it
// the next reconcile finds the item, no longer parked, and hands it back by
// rewinding the cursor.
func retryNote(job string) string {
	switch job {
	case jobs.NamePushOrders, jobs.NameLinkListings:
		return "will be retried on the next run"
	case jobs.NameGetOrders:
		return "will be retried by the next run that reads the whole window (GET_ORDERS_SWEEP)"
	}
	return "will be retried when its job lists it again: within its cursor's 65-minute overlap, else through the next reconcile"
}

// deadLettersSummary is the closing line of DeadLetters.
func deadLettersSummary(action string, n int) string {
	switch action {
	case DeadLettersRetry:
		return fmt.Sprintf("%d dead letters made eligible again", n)
	case DeadLettersDrop:
		return fmt.Sprintf("%d dead letters dropped", n)
	}
	return fmt.Sprintf("%d dead letters", n)
}
