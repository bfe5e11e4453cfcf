package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// benchOrders is how many orders one worker benchmark iteration moves:
// SHIPSYNC_BENCH_ORDERS, else 2,000 (enough that the process's start-up is a
// small share of its CPU).
func benchOrders(b *testing.B) int {
	v := os.Getenv("SHIPSYNC_BENCH_ORDERS")
	if v == "" {
		return 2000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("SHIPSYNC_BENCH_ORDERS=%q: want a positive number", v)
	}
	return n
}

// BenchmarkWorkerGetOrders imports orders with `shipsync once get-orders` run
// as a child process against the sandboxes served by this test process, and
// reports the child's own CPU (user + system, from its rusage) per order and
// its peak RSS: what the worker costs, without the sandboxes.
func BenchmarkWorkerGetOrders(b *testing.B) {
	benchWorker(b, "get-orders", jobstest.Options{}, func(w *jobstest.World, n int) {
		for i := range n {
			addE2EOrder(w, fmt.Sprintf("B-%06d", i), "Ground")
		}
	}, func(w *jobstest.World) int { return len(w.Q.PurchaseOrders()) })
}

// BenchmarkWorkerPushOrders pushes Quipt orders to ShipStation with
// `shipsync once push-orders` as a child process; see BenchmarkWorkerGetOrders.
func BenchmarkWorkerPushOrders(b *testing.B) {
	benchWorker(b, "push-orders", jobstest.Options{}, func(w *jobstest.World, n int) {
		for i := range n {
			addQuiptOrder(w, fmt.Sprintf("B-%06d", i))
		}
	}, func(w *jobstest.World) int { return len(w.SS.Orders()) })
}

// BenchmarkWorkerGetOrdersQuipt100ms is BenchmarkWorkerGetOrders with
// Quipt taking 100 ms per call, as a real Quipt does: the worker then waits
// between answers, and every answer wakes an idle process.
func BenchmarkWorkerGetOrdersQuipt100ms(b *testing.B) {
	benchWorker(b, "get-orders", quipt100ms(), func(w *jobstest.World, n int) {
		for i := range n {
			addE2EOrder(w, fmt.Sprintf("B-%06d", i), "Ground")
		}
	}, func(w *jobstest.World) int { return len(w.Q.PurchaseOrders()) })
}

// BenchmarkWorkerPushOrdersQuipt100ms is BenchmarkWorkerPushOrders with
// Quipt taking 100 ms per call.
func BenchmarkWorkerPushOrdersQuipt100ms(b *testing.B) {
	benchWorker(b, "push-orders", quipt100ms(), func(w *jobstest.World, n int) {
		for i := range n {
			addQuiptOrder(w, fmt.Sprintf("B-%06d", i))
		}
	}, func(w *jobstest.World) int { return len(w.SS.Orders()) })
}

// quipt100ms is a world whose Quipt sandbox answers each call after 100 ms.
func quipt100ms() jobstest.Options {
	return jobstest.Options{QuiptSandbox: []quipttest.Option{quipttest.WithLatency(floorLatency)}}
}

// benchWorker runs `once job` once per iteration, each time against a fresh
// world (made with opts) seeded with benchOrders orders, checks that done reports all of them
// moved, and reports the child's CPU per order and peak RSS.
//
// The peak RSS is the child's own (VmHWM, which it writes to a file at its
// end; see peakRSSEnv), not its rusage's maxrss: Linux keeps in maxrss the
// high-water mark of the address space a process had before its execve, and
// Go starts a child with clone(CLONE_VM|CLONE_VFORK), so that address space
// is this test process's, which holds the sandboxes and every seeded order:
// the rusage figure grew with the backlog whatever the worker did.
func benchWorker(b *testing.B, job string, opts jobstest.Options, seed func(*jobstest.World, int), done func(*jobstest.World) int) {
	n := benchOrders(b)
	var cpu time.Duration
	var switches, maxRSS int64
	b.StopTimer()
	for range b.N {
		w := jobstest.New(b, opts)
		seed(w, n)
		cmd := workerCommand(w, job)
		peakFile := filepath.Join(b.TempDir(), "peak-rss")
		cmd.Env = append(cmd.Env, peakRSSEnv+"="+peakFile)
		b.StartTimer()
		out, err := cmd.CombinedOutput()
		b.StopTimer()
		if err != nil {
			b.Fatalf("once %s: %v\n%s", job, err, out)
		}
		if got := done(w); got != n {
			b.Fatalf("once %s moved %d orders, want %d", job, got, n)
		}
		peak, err := readPeakRSS(peakFile)
		if err != nil {
			b.Fatalf("once %s: %v", job, err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		switches += contextSwitches(cmd.ProcessState)
		maxRSS = max(maxRSS, peak)
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/order")
	b.ReportMetric(float64(switches)/float64(n*b.N), "ctxsw/order")
	b.ReportMetric(float64(maxRSS)/1024, "maxrss-MiB")
}

// workerCommand is `shipsync once job` as a child process pointed at w,
// logging at info as in production. SHIPSYNC_TEST_CHILD_WRAP, when set, is a
// command (words split on spaces) the child runs under, e.g.
// "valgrind --tool=callgrind --callgrind-out-file=/tmp/worker.%p": an
// instruction count does not vary with the machine's load as CPU time does.
// The rusage figures are then the wrapper's.
func workerCommand(w *jobstest.World, job string) *exec.Cmd {
	args := []string{os.Args[0], "once", job}
	if wrap := strings.Fields(os.Getenv("SHIPSYNC_TEST_CHILD_WRAP")); len(wrap) > 0 {
		args = append(wrap, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = os.Environ()
	for k, v := range with(testEnv(w), "LOG_LEVEL", "info", "SHIPSTATION_RATE_LIMIT", "1000") {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, childEnv+"=1")
	return cmd
}

// runChild runs the command as main would, writing a CPU profile to
// SHIPSYNC_TEST_CPUPROFILE and the allocations profile to
// SHIPSYNC_TEST_MEMPROFILE when they are set (to profile the worker alone).
func runChild() int {
	if path := os.Getenv("SHIPSYNC_TEST_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	code := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, config.Environ())
	if path := os.Getenv("SHIPSYNC_TEST_MEMPROFILE"); path != "" {
		if err := writeHeapProfile(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if path := os.Getenv(peakRSSEnv); path != "" {
		if err := writePeakRSS(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return code
}

// contextSwitches is how often the finished process ps gave up or lost a
// CPU (voluntary and involuntary context switches, from its rusage): in an
// I/O-bound process each is a wake-up, which costs more than most of the
// work between two.
func contextSwitches(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Nvcsw + ru.Nivcsw
	}
	return 0
}

// peakRSSEnv names the file a benchmark's child writes its peak RSS to
// when it ends (writePeakRSS).
const peakRSSEnv = "SHIPSYNC_TEST_PEAKRSS"

// writePeakRSS writes the process's peak RSS in KiB, VmHWM of
// /proc/self/status (the high-water mark of its own address space, since
// its execve), to path.
func writePeakRSS(path string) error {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return fmt.Errorf("read peak RSS: %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib := strings.TrimSuffix(strings.TrimSpace(v), " kB")
			return os.WriteFile(path, []byte(kib), 0o600)
		}
	}
	return errors.New("read peak RSS: no VmHWM in /proc/self/status")
}

// readPeakRSS reads the peak RSS in KiB a child wrote with writePeakRSS.
func readPeakRSS(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read the child's peak RSS: %w", err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the child's peak RSS: %w", err)
	}
	return kib, nil
}

// writeHeapProfile writes the allocations profile of the process to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}
