// Command shipsync keeps a Quipt tenant and a ShipStation account in step.
//
//	shipsync [run]                     the daemon: preflight, then every job on its schedule
//	shipsync once JOB                  run one job now and exit
//	shipsync reconcile [--days N] [--report-only]  compare both systems, repair through the owning jobs
//	shipsync check                     preflight: credentials, carriers, stores, warehouses, users, tags, mappings
//	shipsync demo                      the daemon against built-in sandboxes and an embedded Redis
//	shipsync deadletters list [--job JOB] [--id ID]
//	shipsync deadletters retry|drop --job JOB (--id ID | --all)
//	shipsync version                   module version, VCS revision and date, Go version
//	shipsync health                    probe /healthz on HTTP_ADDR: exit 0 when it answers 200
//	shipsync help [env]                this usage, or every environment variable with its default
//
// Exit codes: 0 done, 1 failed (or interrupted before it completed), 2 usage
// or configuration error.
//
// Configuration comes from the environment (DESIGN.md §4).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	_ "time/tzdata" // America/Los_Angeles must resolve in a bare image

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
)

// version and revision may be set at build time with -ldflags
// "-X main.version=... -X main.revision=..." (an image built without .git);
// otherwise they come from the module and VCS information the Go toolchain
// embeds (version.go).
var version, revision = "dev", ""

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

const usage = `usage: shipsync [command]

commands:
  run                      the daemon (the default): preflight, then every job on its schedule
  once JOB                 run one job now and exit (JOB: %s)
  reconcile [--days N] [--report-only]
                           compare both systems and repair through the owning jobs
  check                    preflight: Redis, credentials, carriers, stores, warehouses, users, tags, mappings
  demo                     the daemon against built-in sandboxes and an embedded Redis
  deadletters list [--job JOB] [--id ID]
  deadletters retry|drop [--job JOB] (--id ID | --all)
  version                  module version, VCS revision and date, Go version
  health                   probe /healthz on HTTP_ADDR (exit 0 healthy, 1 not)
  help [env]               this text, or every environment variable

exit codes: 0 done, 1 failed or interrupted, 2 usage or configuration error`

// usageText is the usage with the job names filled in.
func usageText() string { return fmt.Sprintf(usage, strings.Join(daemon.JobNames(), ", ")) }

// usageError says what is wrong with the command line, then the usage, on
// stderr, and returns exitUsage.
func usageError(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "shipsync: "+format+"\n%s\n", append(a, usageText())...)
	return exitUsage
}

// noArgs returns exitUsage, after saying so, when a command that takes no
// arguments or flags got some.
func noArgs(cmd string, args []string, stderr io.Writer) (int, bool) {
	if len(args) == 0 {
		return 0, true
	}
	return usageError(stderr, "%s takes no arguments or flags, got %q", cmd, strings.Join(args, " ")), false
}

// run dispatches a command; it returns the process exit code. ctx is cancelled
// on SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "once":
		if len(args) != 1 || !slices.Contains(daemon.JobNames(), args[0]) {
			return usageError(stderr, "once needs one job name, got %q", strings.Join(args, " "))
		}
		return cmdOnce(ctx, args[0], stdout, stderr, env)
	case "reconcile":
		return cmdReconcile(ctx, args, stdout, stderr, env)
	case "deadletters":
		return cmdDeadLetters(ctx, args, stdout, stderr, env)
	case "help", "--help", "-h":
		return cmdHelp(args, stdout, stderr, !jsonAsked(env))
	}
	if code, ok := noArgs(cmd, args, stderr); !ok {
		return code
	}
	switch cmd {
	case "run":
		return cmdRun(ctx, stdout, stderr, env)
	case "check":
		return cmdCheck(ctx, stdout, stderr, env)
	case "demo":
		return cmdDemo(ctx, stdout, stderr, env)
	case "version", "--version", "-v":
		return cmdVersion(stdout, jsonAsked(env))
	case "health":
		return cmdHealth(ctx, stdout, stderr, env)
	}
	return usageError(stderr, "unknown command %q", cmd)
}
