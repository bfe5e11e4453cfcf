package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/shipsync/shipsync/daemon"
)

// cmdDeadLetters is `shipsync deadletters list|retry|drop [--job JOB] [--id ID]`.
// retry makes the matching items eligible on their job's next run; drop
// removes them from the list and keeps them skipped for good. retry and drop
// need at least one filter, so one command never touches everything by accident.
func cmdDeadLetters(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	const use = "usage: shipsync deadletters list|retry|drop [--job JOB] [--id ID]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	action := args[0]
	fs := flag.NewFlagSet("deadletters "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	job := fs.String("job", "", "only items of this job")
	id := fs.String("id", "", "only the item with this id")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	switch action {
	case "list":
	case "retry", "drop":
		if *job == "" && *id == "" {
			fmt.Fprintf(stderr, "shipsync deadletters %s needs --job, --id or both\n", action)
			return exitUsage
		}
	default:
		fmt.Fprintln(stderr, use)
		return exitUsage
	}

	app, log, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()

	items, err := app.Store.DeadLetters(ctx, *job)
	if err != nil {
		log.Error().Err(err).Msg("cannot read dead letters")
		return exitFailed
	}
	n := 0
	for _, d := range items {
		if *id != "" && d.ID != *id {
			continue
		}
		n++
		ev := log.Info().Str("event", "dead_letter").Str("job", d.Job).Str("item_id", d.ID).
			Str("reason", d.Reason).Time("at", d.At).Int("attempts", d.Attempts)
		switch action {
		case "list":
			ev.Msg("dead letter")
		case "retry":
			if _, err := app.Store.RetryDeadLetter(ctx, d.Job, d.ID); err != nil {
				log.Error().Err(err).Str("job", d.Job).Str("item_id", d.ID).Msg("retry failed")
				return exitFailed
			}
			ev.Msg("will be retried on the next run")
		case "drop":
			if _, err := app.Store.DropDeadLetter(ctx, d.Job, d.ID); err != nil {
				log.Error().Err(err).Str("job", d.Job).Str("item_id", d.ID).Msg("drop failed")
				return exitFailed
			}
			ev.Msg("dropped: will not be processed again")
		}
	}
	// A dropped item is no longer listed; retry --job J --id ID still lifts
	// the drop, so the item is processed again.
	if action == "retry" && n == 0 && *job != "" && *id != "" {
		lifted, err := app.Store.RetryDeadLetter(ctx, *job, *id)
		if err != nil {
			log.Error().Err(err).Str("job", *job).Str("item_id", *id).Msg("retry failed")
			return exitFailed
		}
		if lifted {
			n = 1
			log.Info().Str("event", "dead_letter").Str("job", *job).Str("item_id", *id).Msg("drop lifted: will be processed on the next run")
		}
	}
	log.Info().Str("event", "dead_letters_"+action).Int("items", n).Msg(summaryText(action, n))
	return exitOK
}

func summaryText(action string, n int) string {
	switch action {
	case "retry":
		return fmt.Sprintf("%d dead letters made eligible again", n)
	case "drop":
		return fmt.Sprintf("%d dead letters dropped", n)
	}
	return fmt.Sprintf("%d dead letters", n)
}
