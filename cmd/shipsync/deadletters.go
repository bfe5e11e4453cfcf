package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/shipsync/shipsync/daemon"
)

const deadLettersUsage = "usage: shipsync deadletters list|retry|drop [--job JOB] [--id ID]"

// cmdDeadLetters is `shipsync deadletters list|retry|drop [--job JOB] [--id ID]`.
// retry makes the matching items eligible on their job's next run; drop
// removes them from the list and keeps them skipped for good. retry and drop
// need at least one filter, so one command never touches everything by accident.
func cmdDeadLetters(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	action, job, id, ok := parseDeadLetters(args, stderr)
	if !ok {
		return exitUsage
	}
	app, _, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	if err := app.DeadLetters(ctx, action, job, id); err != nil {
		return exitFailed
	}
	return exitOK
}

// parseDeadLetters reads the action and the filters; on a usage error it
// says so on stderr and reports false.
func parseDeadLetters(args []string, stderr io.Writer) (action, job, id string, ok bool) {
	if len(args) == 0 {
		fmt.Fprintln(stderr, deadLettersUsage)
		return "", "", "", false
	}
	action = args[0]
	fs := flag.NewFlagSet("deadletters "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&job, "job", "", "only items of this job")
	fs.StringVar(&id, "id", "", "only the item with this id")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, deadLettersUsage)
		return "", "", "", false
	}
	switch action {
	case daemon.DeadLettersList:
	case daemon.DeadLettersRetry, daemon.DeadLettersDrop:
		if job == "" && id == "" {
			fmt.Fprintf(stderr, "shipsync deadletters %s needs --job, --id or both\n", action)
			return "", "", "", false
		}
	default:
		fmt.Fprintln(stderr, deadLettersUsage)
		return "", "", "", false
	}
	return action, job, id, true
}
