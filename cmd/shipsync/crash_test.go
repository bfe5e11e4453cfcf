package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// childEnv marks a re-execution of this test binary as the shipsync command.
const childEnv = "SHIPSYNC_TEST_AS_MAIN"

// TestMain lets the crash and chaos tests run shipsync as real child
// processes: the test binary re-executes itself with childEnv set and the
// command's arguments, with chaosChildEnv set as a chaos replica, or with
// httpFloorEnv set as the HTTP floor benchmark's client.
// Otherwise it runs the tests and checks that no goroutine outlives them.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	if os.Getenv(chaosChildEnv) == "1" {
		os.Exit(chaosReplica(os.Stdout, os.Stderr))
	}
	if url := os.Getenv(httpFloorEnv); url != "" {
		os.Exit(httpFloorClient(url))
	}
	goleak.VerifyTestMain(m)
}

// crasher runs `shipsync once JOB` as child processes against one world.
type crasher struct {
	t   *testing.T
	env []string
	rng *rand.Rand
}

func newCrasher(t *testing.T, w *jobstest.World) *crasher {
	env := os.Environ()
	// LEASE_TTL stays at its default (60 s): the next run must take over the
	// lease a killed run left behind without waiting for it to expire.
	for k, v := range with(testEnv(w), "LOG_LEVEL", "info", "SHIPSTATION_RATE_LIMIT", "1000") {
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

// killRandomly starts `once job` n times and kills each run with SIGKILL at a
// random point: one run in five during start-up (after a random number of
// its first lines), the others between two random decisions of the job (after
// a random number, up to maxJobLines, of the lines the job logs), plus up to a
// millisecond. It returns how many runs it killed before they finished.
func (c *crasher) killRandomly(job string, n, maxJobLines int) int {
	killed := 0
	for range n {
		cmd := c.command(job)
		out, err := cmd.StdoutPipe()
		if err != nil {
			c.t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			c.t.Fatal(err)
		}
		duringStart := c.rng.IntN(5) == 0
		target := 1 + c.rng.IntN(maxJobLines)
		if duringStart {
			target = 1 + c.rng.IntN(20)
		}
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for lines := 0; sc.Scan(); {
			if !duringStart && !strings.Contains(sc.Text(), `"job":"`+job+`"`) {
				continue
			}
			if lines++; lines == target {
				time.Sleep(time.Duration(c.rng.Int64N(int64(time.Millisecond))))
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}
		}
		if err := cmd.Wait(); err != nil && strings.Contains(err.Error(), "killed") {
			killed++
		}
	}
	return killed
}

// finish runs `once job` to completion: it must take over the lease a killed
// run left behind and succeed at once.
func (c *crasher) finish(job string) string {
	out, err := c.command(job).CombinedOutput()
	if err != nil {
		c.t.Fatalf("once %s after the kills failed: %v\n%s", job, err, out)
	}
	return string(out)
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
	killed := c.killRandomly("get-orders", 15, 120)
	imported := len(w.Q.PurchaseOrders())
	c.finish("get-orders")
	t.Logf("get-orders: %d of 15 runs killed mid-way; %d of %d orders imported before the final run", killed, imported, orders)
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

// TestSIGKILLPushAndTrackingLosesAndDuplicatesNothing kills shipsync processes
// running push-orders, then sync-tracking, at random points, many times, while
// new work keeps arriving (new and changed Quipt orders; new, voided and
// replaced labels), lets one run of each finish, and checks both sandboxes:
// every Quipt order is one ShipStation order carrying its latest version and
// acknowledged once, and every live label is exactly one live Quipt package
// (voided labels voided or never applied, return labels ignored).
func TestSIGKILLPushAndTrackingLosesAndDuplicatesNothing(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	c := newCrasher(t, w)
	const rounds, perRound = 20, 25

	var quiptIDs []string
	latestName := map[string]string{} // Quipt order Id → ship-to name of its latest version
	killed := 0
	for r := range rounds {
		for k := range perRound {
			o := addQuiptOrder(w, fmt.Sprintf("P-%02d-%02d", r, k))
			quiptIDs = append(quiptIDs, o.ID)
			latestName[o.ID] = o.ShipTo.Name
		}
		for k := range min(5, len(quiptIDs)-perRound) { // change some orders pushed earlier
			id := quiptIDs[c.rng.IntN(len(quiptIDs)-perRound)]
			name := fmt.Sprintf("Renamed %d-%d", r, k)
			if err := w.Q.UpdateFulfillmentOrder(id, func(o *quipttest.Order) { o.ShipTo.Name = name }); err != nil {
				t.Fatal(err)
			}
			latestName[id] = name
		}
		killed += c.killRandomly("push-orders", 1, 40)
	}
	c.finish("push-orders")
	t.Logf("push-orders: %d of %d runs killed mid-way", killed, rounds)
	if killed == 0 {
		t.Fatal("no push-orders run was killed mid-way: the test proves nothing")
	}
	if n := len(w.SS.Orders()); n != len(quiptIDs) {
		t.Fatalf("ShipStation holds %d orders, want %d (one per Quipt order)", n, len(quiptIDs))
	}
	for _, id := range quiptIDs {
		o, ok := w.SS.OrderByKey("quipt:" + id)
		if !ok {
			t.Fatalf("Quipt order %s was never pushed", id)
		}
		if o.ShipTo == nil || o.ShipTo.Name != latestName[id] {
			t.Errorf("ShipStation order %s ships to %v, want the latest version %q", o.OrderNumber, o.ShipTo, latestName[id])
		}
		if n := len(w.Q.Acknowledgements(id)); n != 1 {
			t.Fatalf("Quipt order %s acknowledged %d times, want 1", id, n)
		}
	}

	// The warehouse labels the orders a chunk at a time while sync-tracking
	// runs are killed; every tenth label is voided and replaced, every
	// fifteenth order also gets a return label.
	live := map[string]string{} // ExternalShipmentId → Quipt order Id
	voided := map[string]bool{}
	killed = 0
	for r := range rounds {
		for i := r * perRound; i < (r+1)*perRound; i++ {
			id := quiptIDs[i]
			o, _ := w.SS.OrderByKey("quipt:" + id)
			label := w.SS.CreateLabel(o.OrderID, nil, "fedex", "fedex_ground")
			if i%10 == 0 {
				w.SS.VoidLabel(label.ShipmentID)
				voided[fmt.Sprintf("shipstation:%d", label.ShipmentID)] = true
				label = w.SS.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
			}
			live[fmt.Sprintf("shipstation:%d", label.ShipmentID)] = id
			if i%15 == 0 {
				w.SS.AddReturnLabel(o.OrderID)
			}
		}
		killed += c.killRandomly("sync-tracking", 1, 40)
	}
	c.finish("sync-tracking")
	t.Logf("sync-tracking: %d of %d runs killed mid-way", killed, rounds)
	if killed == 0 {
		t.Fatal("no sync-tracking run was killed mid-way: the test proves nothing")
	}
	seen := map[string]bool{}
	for _, id := range quiptIDs {
		qo, _ := w.Q.FulfillmentOrder(id)
		liveHere := 0
		for _, sh := range qo.Shipments {
			if seen[sh.ExternalShipmentID] {
				t.Fatalf("package %s applied twice", sh.ExternalShipmentID)
			}
			seen[sh.ExternalShipmentID] = true
			switch {
			case voided[sh.ExternalShipmentID] && !sh.Voided:
				t.Errorf("order %s: voided label %s is live in Quipt", qo.OrderNumber, sh.ExternalShipmentID)
			case !voided[sh.ExternalShipmentID] && live[sh.ExternalShipmentID] != id:
				t.Errorf("order %s: unexpected package %s (a return label?)", qo.OrderNumber, sh.ExternalShipmentID)
			case !sh.Voided:
				liveHere++
			}
		}
		if liveHere != 1 || qo.Status != 8 {
			t.Errorf("order %s: %d live packages, status %d; want 1 and shipped (8)", qo.OrderNumber, liveHere, qo.Status)
		}
	}
}

// addQuiptOrder adds an Open Quipt fulfillment order push-orders can route.
func addQuiptOrder(w *jobstest.World, number string) quipttest.Order {
	return w.Q.AddFulfillmentOrder(quipttest.Order{
		OrderNumber: number,
		Status:      4,
		Channel:     quipttest.Channel{ID: "c1", Name: "Web Store"},
		Customer:    quipttest.Customer{Name: "Dana Ruiz", Email: "dana@example.com"},
		ShipTo:      quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"},
		Lines: []quipttest.Line{
			{SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 2, UnitPrice: 19.99},
			{SKU: "MUG-12", Name: "Mug", Quantity: 1, UnitPrice: 12},
		},
		Shipping:      quipttest.Shipping{RequestedMethod: "Ground"},
		WarehouseCode: "AUS1",
		Totals:        quipttest.Totals{Subtotal: 51.98, Total: 51.98},
	})
}
