package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shipsync/shipsync/daemon"
)

const deadLettersUsage = `usage: shipsync deadletters list [--job JOB] [--id ID]
       shipsync deadletters retry|drop [--job JOB] (--id ID | --all)`

// cmdDeadLetters is `shipsync deadletters list|retry|drop`. retry makes the
// matching items eligible on their job's next run; drop removes them from the
// list and keeps them skipped for good. retry and drop need --id, or --all to
// mean every dead letter (of --job when given), so one command never touches
// more than was asked: without either they refuse and change nothing.
func cmdDeadLetters(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	action, job, id, ok := parseDeadLetters(args, stderr)
	if !ok {
		return exitUsage
	}
	app, _, ok := setup(logOutput(stdout, stderr, env), stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	if action == daemon.DeadLettersList && forPerson(stdout, env) {
		items, err := app.ListDeadLetters(ctx, job, id)
		if err != nil {
			return exitFailed
		}
		writeDeadLetterTable(stdout, items)
		return exitOK
	}
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
	all := fs.Bool("all", false, "retry or drop every dead letter (of --job when given)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, deadLettersUsage)
		return "", "", "", false
	}
	if job != "" && !slices.Contains(daemon.JobNames(), job) {
		fmt.Fprintf(stderr, "shipsync deadletters: unknown job %q (jobs: %s)\n%s\n", job, strings.Join(daemon.JobNames(), ", "), deadLettersUsage)
		return "", "", "", false
	}
	switch action {
	case daemon.DeadLettersList:
		if *all {
			fmt.Fprintln(stderr, "shipsync deadletters list: --all is for retry and drop; list shows every dead letter already")
			return "", "", "", false
		}
	case daemon.DeadLettersRetry, daemon.DeadLettersDrop:
		if (id == "") == !*all {
			fmt.Fprintf(stderr, "shipsync deadletters %s needs --id ID, or --all for every dead letter (of --job when given); nothing was changed\n%s\n", action, deadLettersUsage)
			return "", "", "", false
		}
	default:
		fmt.Fprintln(stderr, deadLettersUsage)
		return "", "", "", false
	}
	return action, job, id, true
}
