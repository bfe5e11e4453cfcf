package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// chaosChildEnv marks a re-execution of this test binary as one replica of
// the chaos test: the real daemon (`shipsync run`) with its time constants
// scaled down by the variables below.
const chaosChildEnv = "SHIPSYNC_TEST_CHAOS_REPLICA"

// The scaled time constants a chaos replica takes from its environment:
// the upstream clients' timeout, WRITE_SETTLE (config insists on more than
// the production client timeout plus LEASE_TTL; scaled, the same rule holds
// against the scaled timeout) and the ShipStation rate window.
const (
	chaosClientTimeoutEnv = "SHIPSYNC_TEST_CHAOS_CLIENT_TIMEOUT"
	chaosWriteSettleEnv   = "SHIPSYNC_TEST_CHAOS_WRITE_SETTLE"
	chaosRateWindowEnv    = "SHIPSYNC_TEST_CHAOS_RATE_WINDOW"
)

// chaosReplica is a chaos replica's main: `shipsync run` with the scaled
// client timeout, WRITE_SETTLE, rate window and fast retries, until SIGTERM.
func chaosReplica(stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := config.Environ()
	cfg, err := config.Load(env)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	scaled := map[string]time.Duration{}
	for _, name := range []string{chaosClientTimeoutEnv, chaosWriteSettleEnv, chaosRateWindowEnv} {
		if scaled[name], err = time.ParseDuration(env[name]); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return exitUsage
		}
	}
	cfg.WriteSettle = scaled[chaosWriteSettleEnv]
	log := newLogger(stdout, false, false, cfg.LogLevel)
	captureLibraryLogs(log)
	app, err := daemon.New(cfg, log, daemon.Options{
		HTTPClient: &http.Client{Timeout: scaled[chaosClientTimeoutEnv]},
		Retry:      &jobstest.FastRetry,
		RateWindow: scaled[chaosRateWindowEnv],
	})
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return exitFailed
	}
	defer app.Close()
	if err := app.Start(ctx); err != nil {
		log.Error().Err(err).Msg("start failed")
		return exitFailed
	}
	if err := untilSignal(ctx, app); err != nil {
		log.Error().Err(err).Msg("shipsync stopped with an error")
		return exitFailed
	}
	return exitOK
}

// replica is one running chaos replica process.
type replica struct {
	cmd *exec.Cmd
	// up is closed once the process has written its first log line, which
	// main writes after it has set up its signal handling: a SIGTERM
	// before that kills it without a shutdown.
	up   chan struct{}
	done chan struct{} // closed once the process has exited and its output is read
	err  error         // cmd.Wait's answer, once done is closed
	log  string        // the file its output goes to
}

// fleet runs the chaos replicas: n slots, each holding a running process,
// each writing its log lines to its own file in dir.
type fleet struct {
	t   *testing.T
	env []string
	dir string

	mu      sync.Mutex
	slots   []*replica
	started int
}

func newFleet(t *testing.T, env map[string]string, n int, dir string) *fleet {
	f := &fleet{t: t, env: append(os.Environ(), chaosChildEnv+"=1"), dir: dir, slots: make([]*replica, n)}
	for k, v := range env {
		f.env = append(f.env, k+"="+v)
	}
	for i := range n {
		f.start(i)
	}
	return f
}

// start runs a new replica process in slot i.
func (f *fleet) start(i int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started++
	logFile, err := os.Create(filepath.Join(f.dir, fmt.Sprintf("replica-%d-%03d.log", i, f.started)))
	if err != nil {
		f.t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = f.env
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	r := &replica{cmd: cmd, up: make(chan struct{}), done: make(chan struct{}), log: logFile.Name()}
	go func() {
		defer close(r.done)
		lines := bufio.NewReader(out)
		if _, err := lines.Peek(1); err == nil {
			close(r.up)
		}
		_, _ = io.Copy(logFile, lines)
		r.err = cmd.Wait()
		logFile.Close()
	}()
	f.slots[i] = r
}

// kill SIGKILLs the replica in a random slot and starts another in its place.
func (f *fleet) kill(rng *rand.Rand) {
	f.mu.Lock()
	i := rng.IntN(len(f.slots))
	r := f.slots[i]
	f.mu.Unlock()
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
	f.start(i)
}

// byPID returns the running replica with process id pid, or nil.
func (f *fleet) byPID(pid int) *replica {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.slots {
		if r.cmd.Process.Pid == pid {
			return r
		}
	}
	return nil
}

// pause stops r with SIGSTOP for d, then lets it go on with SIGCONT.
func (f *fleet) pause(r *replica, d time.Duration) {
	_ = r.cmd.Process.Signal(syscall.SIGSTOP)
	time.Sleep(d)
	_ = r.cmd.Process.Signal(syscall.SIGCONT)
}

// stop sends SIGTERM to every replica, once it is up (a replica started by
// the last fault may not be yet), and waits for them, at most wait in all;
// it returns one line per replica that did not exit 0.
func (f *fleet) stop(wait time.Duration) []string {
	f.mu.Lock()
	slots := append([]*replica(nil), f.slots...)
	f.mu.Unlock()
	deadline := time.After(wait)
	for _, r := range slots {
		_ = r.cmd.Process.Signal(syscall.SIGCONT)
		select {
		case <-r.up:
		case <-r.done:
		case <-deadline:
		}
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
	}
	var bad []string
	for i, r := range slots {
		select {
		case <-r.done:
			if r.err != nil {
				bad = append(bad, fmt.Sprintf("replica %d (pid %d) exited after SIGTERM: %v; its last errors and warnings:\n%s",
					i, r.cmd.Process.Pid, r.err, lastTrouble(r.log, 5)))
			}
		case <-deadline:
			_ = r.cmd.Process.Signal(syscall.SIGKILL)
			<-r.done
			bad = append(bad, fmt.Sprintf("replica %d (pid %d) did not stop within %s of SIGTERM", i, r.cmd.Process.Pid, wait))
		}
	}
	return bad
}

// lastTrouble returns the last n error and warning lines of a replica's
// log (the test's temporary directory is gone once it ends, failed or not).
func lastTrouble(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var trouble []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line != "" && (strings.Contains(line, `"level":"error"`) || strings.Contains(line, `"level":"warn"`) || !strings.HasPrefix(line, "{")) {
			trouble = append(trouble, line)
		}
	}
	return strings.Join(trouble[max(0, len(trouble)-n):], "\n")
}

// leasePID returns the process id in the owner of job's lease (the
// scheduler's default owner is hostname-pid-random), or 0.
func leasePID(ctx context.Context, w *jobstest.World, job string) int {
	owner, held, err := w.Store.LeaseOwner(ctx, job)
	if err != nil || !held {
		return 0
	}
	parts := strings.Split(owner, "-")
	if len(parts) < 3 {
		return 0
	}
	pid, _ := strconv.Atoi(parts[len(parts)-2])
	return pid
}

// running returns the replicas in their slots.
func (f *fleet) running() []*replica {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*replica(nil), f.slots...)
}
