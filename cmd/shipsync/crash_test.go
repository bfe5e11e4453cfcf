package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// childEnv marks a re-execution of this test binary as the shipsync command.
const childEnv = "SHIPSYNC_TEST_AS_MAIN"

// TestMain lets the crash test run shipsync as a real child process: the test
// binary re-executes itself with childEnv set and the command's arguments.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, config.Environ()))
	}
	os.Exit(m.Run())
}

// crasher runs `shipsync once JOB` as child processes against one world.
type crasher struct {
	t   *testing.T
	env []string
	rng *rand.Rand
}

func newCrasher(t *testing.T, w *jobstest.World) *crasher {
	env := os.Environ()
	for k, v := range with(testEnv(w), "LEASE_TTL", "600ms", "LOG_LEVEL", "info") {
		env = append(env, k+"="+v)
	}
	env = append(env, childEnv+"=1")
	return &crasher{t: t, env: env, rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))}
}

func (c *crasher) command(job string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "once", job)
	cmd.Env = c.env
	return cmd
}

// killRandomly starts `once job` n times and kills each run with SIGKILL after
// a random delay up to maxDelay; it returns how many runs it killed before
// they finished.
func (c *crasher) killRandomly(job string, n int, maxDelay time.Duration) int {
	killed := 0
	for range n {
		cmd := c.command(job)
		if err := cmd.Start(); err != nil {
			c.t.Fatal(err)
		}
		time.Sleep(time.Duration(c.rng.Int64N(int64(maxDelay))))
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			if err := cmd.Wait(); err != nil && strings.Contains(err.Error(), "killed") {
				killed++
			}
		} else {
			_ = cmd.Wait()
		}
	}
	return killed
}

// finish runs `once job` until one run completes, waiting out the lease a
// killed run may have left behind.
func (c *crasher) finish(job string) string {
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := c.command(job).CombinedOutput()
		if err == nil {
			return string(out)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("once %s never completed: %v\n%s", job, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestSIGKILLAtRandomPointsLosesAndDuplicatesNothing kills shipsync processes
// running get-orders at random points, many times, then lets one finish, and
// checks both sandboxes: every selected order imported exactly once and
// assigned exactly once.
func TestSIGKILLAtRandomPointsLosesAndDuplicatesNothing(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	const orders = 700
	for i := range orders {
		addE2EOrder(w, fmt.Sprintf("K-%04d", i), "Ground")
	}
	c := newCrasher(t, w)
	start := time.Now()
	killed := c.killRandomly("get-orders", 25, 400*time.Millisecond)
	imported := len(w.Q.PurchaseOrders())
	t.Logf("kills took %v", time.Since(start))
	out := c.finish("get-orders")
	t.Logf("finish took %v\n%s", time.Since(start), out)
	t.Logf("get-orders: %d of 25 runs killed mid-way; %d orders imported before the final run", killed, imported)
	if killed == 0 {
		t.Fatal("no run was killed mid-way: the test proves nothing")
	}

	refs := map[string]int{}
	for _, po := range w.Q.PurchaseOrders() {
		refs[*po.PartnerReference]++
	}
	if len(refs) != orders {
		t.Errorf("Quipt holds purchase orders for %d ShipStation orders, want %d", len(refs), orders)
	}
	for ref, n := range refs {
		if n != 1 {
			t.Errorf("%s imported %d times", ref, n)
		}
	}
	for _, o := range w.SS.Orders() {
		if n := w.SS.AssignCount(o.OrderID); n != 1 {
			t.Errorf("order %s assigned %d times, want 1", o.OrderNumber, n)
		}
	}
}
