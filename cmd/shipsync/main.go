// Command shipsync keeps a Quipt tenant and a ShipStation account in step.
//
//	shipsync [run]                     the daemon: preflight, then every job on its schedule
//	shipsync once JOB                  run one job now and exit
//	shipsync reconcile [--days N] [--report-only]  compare both systems, repair through the owning jobs
//	shipsync check                     preflight: credentials, carriers, stores, warehouses, users, tags, mappings
//	shipsync demo                      the daemon against built-in sandboxes and an embedded Redis
//	shipsync deadletters list|retry|drop [--job JOB] [--id ID]
//	shipsync version
//	shipsync help [env]                this usage, or every environment variable with its default
//
// Configuration comes from the environment (DESIGN.md §4).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // America/Los_Angeles must resolve in a bare image

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, config.Environ())
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usage = `usage: shipsync [run | once JOB | reconcile [--days N] [--report-only] | check | demo | deadletters list|retry|drop [--job JOB] [--id ID] | version | help [env]]`

// run dispatches a command; it returns the process exit code. ctx is cancelled
// on SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return cmdRun(ctx, stdout, stderr, env)
	case "once":
		if len(args) != 1 {
			fmt.Fprintf(stderr, "usage: shipsync once JOB (%s)\n", strings.Join(daemon.JobNames(), ", "))
			return exitUsage
		}
		return cmdOnce(ctx, args[0], stdout, stderr, env)
	case "reconcile":
		return cmdReconcile(ctx, args, stdout, stderr, env)
	case "check":
		return cmdCheck(ctx, stdout, stderr, env)
	case "demo":
		return cmdDemo(ctx, stdout, stderr, env)
	case "deadletters":
		return cmdDeadLetters(ctx, args, stdout, stderr, env)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "shipsync", version)
		return exitOK
	case "help", "--help", "-h":
		return cmdHelp(args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "shipsync: unknown command %q\n%s\n", cmd, usage)
		return exitUsage
	}
}
